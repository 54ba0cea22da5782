package io.drorch.starter.demo;

import io.drorch.starter.recovery.SshKeygenSigner;
import io.drorch.workflows.approval.SshSignature;
import io.drorch.workflows.contracts.plan.AllowedSigner;
import io.drorch.workflows.contracts.plan.ApprovalSettings;
import io.drorch.workflows.contracts.plan.SignatureMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An Ed25519 key per approver, made with {@code ssh-keygen -t ed25519 -N ''} in a directory
 * (kept: a later run reuses them): the drill's and the tests' approvers, who sign their
 * decisions like real ones.
 */
public final class ApproverKeys {
  private final Map<String, Path> keys;

  private ApproverKeys(Map<String, Path> keys) {
    this.keys = keys;
  }

  /** Makes the keys of {@code names} in {@code dir} that are not there yet. */
  public static ApproverKeys in(Path dir, Collection<String> names) {
    Map<String, Path> keys = new LinkedHashMap<>();
    try {
      Files.createDirectories(dir);
      for (String name : names) {
        Path key = dir.resolve(name);
        if (!Files.isRegularFile(key) || !Files.isRegularFile(Path.of(key + ".pub"))) {
          Files.deleteIfExists(key);
          Files.deleteIfExists(Path.of(key + ".pub"));
          keygen(key, name);
        }
        keys.put(name, key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ApproverKeys(keys);
  }

  /** The private key file of {@code name}. */
  public Path key(String name) {
    Path k = keys.get(name);
    if (k == null) {
      throw new IllegalArgumentException("no key for " + name + "; keys: " + keys.keySet());
    }
    return k;
  }

  public SshKeygenSigner signer(String name) {
    return SshKeygenSigner.withKey(key(name));
  }

  /** One allowed_signers line per approver, limited to the dr-approval namespace. */
  public List<AllowedSigner> allowedSigners() {
    List<AllowedSigner> out = new ArrayList<>();
    keys.forEach((name, key) -> {
      try {
        String[] pub = Files.readString(Path.of(key + ".pub")).strip().split("\\s+");
        out.add(new AllowedSigner(List.of(name), List.of(SshSignature.NAMESPACE), pub[0], pub[1],
            pub.length > 2 ? pub[2] : null));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return out;
  }

  /** Signatures required, these keys, the four-eyes rule and {@code minApprovers}. */
  public ApprovalSettings approvals(boolean requesterMayApprove,
      Map<String, Integer> minApprovers) {
    return new ApprovalSettings(SignatureMode.REQUIRED, "allowed_signers", null, allowedSigners(),
        requesterMayApprove, minApprovers);
  }

  private static void keygen(Path key, String name) throws IOException {
    Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
        name + "@dr-local", "-f", key.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("ssh-keygen -t ed25519 for " + name + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
