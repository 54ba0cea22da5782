package io.drorch.starter.recovery;

import io.drorch.workflows.approval.SshSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Signs decision texts the way an engineer would by hand: {@code ssh-keygen -Y sign -n
 * dr-approval -f KEY FILE}, run with an argument list (never a shell string), the text in a
 * fresh temporary file. {@code KEY} is a private key file, or a public key ({@code .pub}) whose
 * private half is in the ssh-agent at {@code SSH_AUTH_SOCK} (ssh-keygen then signs through the
 * agent). The private key never passes through this process.
 */
public final class SshKeygenSigner {
  static final long TIMEOUT_SECONDS = 60;

  static final String AGENT_ENV = "SSH_AUTH_SOCK";

  private final Path key;
  /** The ssh-agent socket ssh-keygen talks to (null: none). */
  private final String agent;

  private SshKeygenSigner(Path key, String agent) {
    // absolute: ssh-keygen runs in the signature's temporary directory
    this.key = key.toAbsolutePath();
    this.agent = agent;
  }

  /** Signs with {@code key}: a private key file, or a {@code .pub} file for the agent's key. */
  public static SshKeygenSigner withKey(Path key) {
    return withKey(key, System.getenv(AGENT_ENV));
  }

  /** {@link #withKey(Path)} with the agent at {@code agentSocket} (null: none). */
  public static SshKeygenSigner withKey(Path key, String agentSocket) {
    if (!Files.isRegularFile(key)) {
      throw new IllegalArgumentException("no key file " + key + ": give --key PATH (a private"
          + " key, or its .pub with the key in ssh-agent), or --key agent");
    }
    if (key.toString().endsWith(".pub") && agentSocket == null) {
      throw new IllegalArgumentException(key + " is a public key: its private half must be in"
          + " ssh-agent, and " + AGENT_ENV + " is not set");
    }
    return new SshKeygenSigner(key, agentSocket);
  }

  /**
   * Signs with the agent's key that is one of {@code allowed} (the approver's keys from the
   * plan, "TYPE BASE64" each), or the agent's only key when {@code allowed} is empty.
   */
  public static SshKeygenSigner fromAgent(List<String> allowed, Path workDir) {
    return fromAgent(allowed, workDir, System.getenv(AGENT_ENV));
  }

  /** {@link #fromAgent(List, Path)} with the agent at {@code agentSocket}. */
  public static SshKeygenSigner fromAgent(List<String> allowed, Path workDir,
      String agentSocket) {
    if (agentSocket == null) {
      throw new IllegalArgumentException("--key agent needs a running ssh-agent (" + AGENT_ENV
          + " is not set)");
    }
    Run r = run(List.of("ssh-add", "-L"), null, agentSocket);
    if (r.exit() != 0) {
      throw new IllegalArgumentException("ssh-add -L failed: " + r.output().strip());
    }
    List<String> keys = new ArrayList<>();
    for (String line : r.output().split("\n")) {
      String[] parts = line.strip().split("\\s+");
      if (parts.length >= 2 && (parts[0].startsWith("ssh-") || parts[0].startsWith("ecdsa-"))) {
        keys.add(parts[0] + " " + parts[1]);
      }
    }
    List<String> usable = allowed.isEmpty() ? keys
        : keys.stream().filter(allowed::contains).toList();
    if (usable.isEmpty()) {
      throw new IllegalArgumentException("none of the agent's " + keys.size() + " key(s) is "
          + (allowed.isEmpty() ? "there" : "the approver's key in the plan's allowed signers"));
    }
    if (usable.size() > 1) {
      throw new IllegalArgumentException("the agent holds " + usable.size() + " usable keys:"
          + " pick one with --key PATH.pub");
    }
    try {
      Files.createDirectories(workDir);
      Path pub = Files.createTempFile(workDir, "agent-key-", ".pub");
      Files.writeString(pub, usable.get(0) + "\n");
      pub.toFile().deleteOnExit();
      return new SshKeygenSigner(pub, agentSocket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path key() {
    return key;
  }

  /** The armored SSHSIG of {@code text} (exactly its UTF-8 bytes) in namespace dr-approval. */
  public String sign(String text) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("dr-sign-");
      Path message = dir.resolve("decision.txt");
      Files.writeString(message, text, StandardCharsets.UTF_8);
      Run r = run(List.of("ssh-keygen", "-Y", "sign", "-n", SshSignature.NAMESPACE, "-f",
          key.toString(), message.toString()), dir, agent);
      Path sig = dir.resolve("decision.txt.sig");
      if (r.exit() != 0 || !Files.isRegularFile(sig)) {
        throw new IllegalStateException("ssh-keygen -Y sign -f " + key + " failed (exit "
            + r.exit() + "): " + r.output().strip());
      }
      return Files.readString(sig, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(dir);
    }
  }

  record Run(int exit, String output) {}

  private static Run run(List<String> command, Path dir, String agentSocket) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      if (agentSocket == null) {
        pb.environment().remove(AGENT_ENV);
      } else {
        pb.environment().put(AGENT_ENV, agentSocket);
      }
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in "
            + TIMEOUT_SECONDS + " s (a key with a passphrase needs ssh-agent)");
      }
      return new Run(p.exitValue(), out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + " (install the OpenSSH"
          + " client): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signing", e);
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a temporary directory left behind holds no secret: the text and its signature only
    }
  }
}
