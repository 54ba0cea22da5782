package io.drorch.workflows.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signature verifier against signatures made by the real {@code ssh-keygen -Y sign} (keys
 * generated here with {@code ssh-keygen -t ed25519 -N ''} and {@code -t rsa}), and the
 * in-process test signer against the real {@code ssh-keygen -Y verify}.
 */
class SshSignatureTest {
  @TempDir static Path dir;
  static Path ed25519;
  static Path ed25519Other;
  static Path rsa;

  static final String TEXT = DecisionText.canonical("INC-42", "recovery-INC-42", "run-1",
      "database-swap", "db-1", "abc", io.drorch.workflows.contracts.values.Verdict.APPROVE,
      "alice", "checked", "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z");

  @BeforeAll
  static void keys() throws Exception {
    ed25519 = keygen("alice", "-t", "ed25519");
    ed25519Other = keygen("bob", "-t", "ed25519");
    rsa = keygen("carol", "-t", "rsa", "-b", "3072");
  }

  @Test
  void acceptsAnEd25519SignatureMadeBySshKeygen() throws Exception {
    String sig = sign(ed25519, TEXT, "dr-approval");
    SshSignature.Result r = verify(sig, TEXT, ed25519);
    assertTrue(r.ok(), r.problem());
    assertEquals(fingerprintByKeygen(ed25519), r.keyFingerprint());
  }

  @Test
  void acceptsAnRsaSha512SignatureMadeBySshKeygen() throws Exception {
    String sig = sign(rsa, TEXT, "dr-approval");
    assertTrue(sig.contains("BEGIN SSH SIGNATURE"), sig);
    SshSignature.Result r = verify(sig, TEXT, rsa);
    assertTrue(r.ok(), r.problem());
    assertEquals(fingerprintByKeygen(rsa), r.keyFingerprint());
  }

  @Test
  void refusesAnotherKeyAnotherTextAnotherNamespaceAndAnotherHash() throws Exception {
    String sig = sign(ed25519, TEXT, "dr-approval");

    SshSignature.Result otherKey = verify(sig, TEXT, ed25519Other);
    assertFalse(otherKey.ok());
    assertTrue(otherKey.problem().contains("not the approver's key"), otherKey.problem());
    assertEquals(fingerprintByKeygen(ed25519), otherKey.keyFingerprint());

    SshSignature.Result otherText = verify(sig, TEXT.replace("database-swap", "files-swap"), ed25519);
    assertFalse(otherText.ok());
    assertTrue(otherText.problem().contains("does not match the decision"), otherText.problem());

    SshSignature.Result namespace = verify(sign(ed25519, TEXT, "git"), TEXT, ed25519);
    assertFalse(namespace.ok());
    assertTrue(namespace.problem().contains("namespace 'git'"), namespace.problem());

    SshSignature.Result sha256 = verify(sign(ed25519, TEXT, "dr-approval", "-O", "hashalg=sha256"),
        TEXT, ed25519);
    assertFalse(sha256.ok());
    assertTrue(sha256.problem().contains("sha256"), sha256.problem());
  }

  @Test
  void refusesMalformedInputWithAReasonInsteadOfThrowing() throws Exception {
    String sig = sign(ed25519, TEXT, "dr-approval");
    String[] bad = {null, "", "hello", "-----BEGIN SSH SIGNATURE-----\n!!!\n-----END SSH SIGNATURE-----",
        sig.substring(0, sig.indexOf('\n') + 20) + "\n-----END SSH SIGNATURE-----"};
    for (String b : bad) {
      SshSignature.Result r = verify(b, TEXT, ed25519);
      assertFalse(r.ok(), String.valueOf(b));
      assertTrue(r.problem() != null && !r.problem().isBlank());
    }
    // the escapes of a JSON string pasted as-is still read
    assertTrue(verify(sig.replace("\n", "\\n"), TEXT, ed25519).ok());
  }

  @Test
  void theTestSignerWritesWhatSshKeygenVerifies() throws Exception {
    TestKey key = new TestKey();
    String sig = key.sign(TEXT);
    Path signers = dir.resolve("allowed_signers_test");
    Files.writeString(signers, "alice namespaces=\"dr-approval\" ssh-ed25519 "
        + key.publicKeyBase64() + "\n");
    Path sigFile = dir.resolve("test.sig");
    Files.writeString(sigFile, sig);
    Path msg = dir.resolve("test.msg");
    Files.writeString(msg, TEXT);
    Run verify = run(null, msg, "ssh-keygen", "-Y", "verify", "-f", signers.toString(), "-I",
        "alice", "-n", "dr-approval", "-s", sigFile.toString());
    assertEquals(0, verify.exit(), verify.output());
    assertTrue(verify.output().contains("Good \"dr-approval\" signature for alice"), verify.output());
    assertTrue(SshSignature.verify(sig, TEXT.getBytes(StandardCharsets.UTF_8), "dr-approval",
        List.of(new SshSignature.TrustedKey("ssh-ed25519", key.publicKeyBase64()))).ok());
  }

  @Test
  void keyProblemsAreNamedForThePlanLoader() throws Exception {
    assertNull(SshSignature.keyProblem("ssh-ed25519", publicKey(ed25519)));
    assertNull(SshSignature.keyProblem("ssh-rsa", publicKey(rsa)));
    assertTrue(SshSignature.keyProblem("ssh-rsa", publicKey(ed25519)).contains("ssh-ed25519"));
    assertTrue(SshSignature.keyProblem("ssh-ed25519", "@@@").contains("base64"));
    Path small = keygen("tiny", "-t", "rsa", "-b", "1024");
    assertTrue(SshSignature.keyProblem("ssh-rsa", publicKey(small)).contains("2048"));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static SshSignature.Result verify(String sig, String text, Path key) throws IOException {
    String[] pub = Files.readString(Path.of(key + ".pub")).trim().split(" ");
    return SshSignature.verify(sig, text.getBytes(StandardCharsets.UTF_8), "dr-approval",
        List.of(new SshSignature.TrustedKey(pub[0], pub[1])));
  }

  private static String publicKey(Path key) throws IOException {
    return Files.readString(Path.of(key + ".pub")).trim().split(" ")[1];
  }

  private static Path keygen(String name, String... type) throws Exception {
    Path key = dir.resolve(name);
    List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q"));
    cmd.addAll(List.of(type));
    cmd.addAll(List.of("-N", "", "-C", name + "@test", "-f", key.toString()));
    Run r = run(null, null, cmd.toArray(String[]::new));
    assertEquals(0, r.exit(), r.output());
    return key;
  }

  private static String sign(Path key, String text, String namespace, String... options)
      throws Exception {
    Path work = Files.createTempDirectory(dir, "sign");
    Path msg = work.resolve("decision.txt");
    Files.writeString(msg, text);
    List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-Y", "sign", "-n", namespace,
        "-f", key.toString()));
    cmd.addAll(List.of(options));
    cmd.add(msg.toString());
    Run r = run(work, null, cmd.toArray(String[]::new));
    assertEquals(0, r.exit(), r.output());
    return Files.readString(Path.of(msg + ".sig"));
  }

  private static String fingerprintByKeygen(Path key) throws Exception {
    Run r = run(null, null, "ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub");
    assertEquals(0, r.exit(), r.output());
    return r.output().split(" ")[1];
  }

  record Run(int exit, String output) {}

  private static Run run(Path cwd, Path stdin, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
    return new Run(p.exitValue(), out);
  }
}
