package io.drorch.starter.recovery;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.starter.demo.ApproverKeys;
import io.drorch.workflows.approval.SshSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dr approve}'s signing with the real ssh-keygen: with a private key file, and through a
 * real ssh-agent (a {@code .pub} file, or the agent's key the plan lists).
 */
class SshKeygenSignerTest {
  static final String TEXT = "dr-approval-v1\nincident: INC-7\n";

  private static SshSignature.Result verify(String signature, Path key) throws Exception {
    String[] pub = Files.readString(Path.of(key + ".pub")).strip().split("\\s+");
    return SshSignature.verify(signature, TEXT.getBytes(StandardCharsets.UTF_8),
        SshSignature.NAMESPACE, List.of(new SshSignature.TrustedKey(pub[0], pub[1])));
  }

  @Test
  void signsWithAPrivateKeyFile(@TempDir Path dir) throws Exception {
    ApproverKeys keys = ApproverKeys.in(dir, List.of("alice"));
    String sig = SshKeygenSigner.withKey(keys.key("alice"), null).sign(TEXT);
    assertTrue(sig.startsWith("-----BEGIN SSH SIGNATURE-----"), sig);
    assertTrue(verify(sig, keys.key("alice")).ok());
    IllegalArgumentException noAgent = assertThrows(IllegalArgumentException.class,
        () -> SshKeygenSigner.withKey(Path.of(keys.key("alice") + ".pub"), null));
    assertTrue(noAgent.getMessage().contains("SSH_AUTH_SOCK"), noAgent.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SshKeygenSigner.withKey(dir.resolve("missing"), null));
  }

  @Test
  void signsThroughTheAgentWithAPublicKeyOrTheKeyThePlanLists(@TempDir Path dir)
      throws Exception {
    ApproverKeys keys = ApproverKeys.in(dir.resolve("keys"), List.of("alice", "bob"));
    String socket = dir.resolve("agent.sock").toString();
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket)
        .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
    try {
      for (int i = 0; i < 100 && !Files.exists(Path.of(socket)); i++) {
        Thread.sleep(50);
      }
      for (String who : List.of("alice", "bob")) {
        ProcessBuilder add = new ProcessBuilder("ssh-add", keys.key(who).toString())
            .redirectErrorStream(true);
        add.environment().put("SSH_AUTH_SOCK", socket);
        Process p = add.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
      }
      // the private key file is not used: only its .pub, the agent signs
      Path pub = Path.of(keys.key("alice") + ".pub");
      assertTrue(verify(SshKeygenSigner.withKey(pub, socket).sign(TEXT), keys.key("alice")).ok());

      String bobsLine = keys.allowedSigners().get(1).keyType() + " "
          + keys.allowedSigners().get(1).key();
      SshKeygenSigner fromAgent = SshKeygenSigner.fromAgent(List.of(bobsLine), dir, socket);
      assertTrue(verify(fromAgent.sign(TEXT), keys.key("bob")).ok());
      IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
          () -> SshKeygenSigner.fromAgent(List.of(), dir, socket));
      assertTrue(two.getMessage().contains("2 usable keys"), two.getMessage());
      IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
          () -> SshKeygenSigner.fromAgent(List.of("ssh-ed25519 AAAAnotthere"), dir, socket));
      assertTrue(none.getMessage().contains("none of the agent's 2 key(s)"), none.getMessage());
    } finally {
      agent.destroy();
      agent.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
