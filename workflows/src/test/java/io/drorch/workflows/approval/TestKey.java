package io.drorch.workflows.approval;

import io.drorch.workflows.contracts.plan.AllowedSigner;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * An Ed25519 key made in-process that signs SSHSIG like {@code ssh-keygen -Y sign}: for the fast
 * workflow tests. {@code SshSignatureTest} checks that its signatures pass {@code ssh-keygen -Y
 * verify}, and that real ssh-keygen signatures pass our verifier.
 */
public final class TestKey {
  private final KeyPair pair;
  private final byte[] publicBlob;

  public TestKey() {
    try {
      pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    byte[] x509 = pair.getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    string(b, "ssh-ed25519".getBytes(StandardCharsets.US_ASCII));
    string(b, raw);
    publicBlob = b.toByteArray();
  }

  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(publicBlob);
  }

  /** The line of an allowed_signers file / of the plan for {@code principal}. */
  public AllowedSigner signerFor(String principal) {
    return new AllowedSigner(List.of(principal), List.of(SshSignature.NAMESPACE), "ssh-ed25519",
        publicKeyBase64(), principal + "@test");
  }

  public String fingerprint() {
    return SshSignature.fingerprint(publicKeyBase64());
  }

  /** The armored SSHSIG of {@code text} in {@code namespace}. */
  public String sign(String text, String namespace) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(pair.getPrivate());
      s.update(SshSignature.signedData(namespace, text.getBytes(StandardCharsets.UTF_8)));
      return SshSignature.armor(publicBlob, namespace, "ssh-ed25519", s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String sign(String text) {
    return sign(text, SshSignature.NAMESPACE);
  }

  private static void string(ByteArrayOutputStream out, byte[] b) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
    out.writeBytes(b);
  }
}
