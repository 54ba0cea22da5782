package io.drorch.workflows.approval;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies SSHSIG signatures — what {@code ssh-keygen -Y sign -n NAMESPACE} writes (OpenSSH's
 * PROTOCOL.sshsig) — inside workflow code: pure JDK, deterministic, no I/O, no clock.
 *
 * <p>What counts: an armored signature ({@code -----BEGIN SSH SIGNATURE-----} … {@code -----END
 * SSH SIGNATURE-----}) whose blob has the magic {@code SSHSIG}, version 1, exactly the expected
 * namespace, hash algorithm {@code sha512}, and a signature that verifies — over {@code "SSHSIG" ||
 * string(namespace) || string("") || string("sha512") || string(SHA512(message))} — with one of
 * the trusted keys given by the caller (the approver's keys from the worker's plan). Keys:
 * {@code ssh-ed25519} (the JDK's EdDSA) and {@code ssh-rsa} with an {@code rsa-sha2-512} or
 * {@code rsa-sha2-256} signature.
 *
 * <p>What never happens: a signature is verified with the key it carries itself (that key only
 * says which trusted key to try, and must be one of them); another namespace, hash, version or
 * the legacy SHA-1 {@code ssh-rsa} signature is accepted; malformed input throws (it is a
 * refusal with its reason).
 */
public final class SshSignature {
  /** The namespace of every decision signature ({@code ssh-keygen -Y sign -n dr-approval}). */
  public static final String NAMESPACE = "dr-approval";

  private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);
  private static final String BEGIN = "-----BEGIN SSH SIGNATURE-----";
  private static final String END = "-----END SSH SIGNATURE-----";
  private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private SshSignature() {}

  /** A trusted public key, as in an allowed_signers line: type and base64 blob. */
  public record TrustedKey(String type, String base64) {}

  /**
   * The outcome: {@code ok} with the fingerprint of the trusted key that verified; or not, with
   * the reason, and the fingerprint of the key the signature names when it could be read.
   */
  public record Result(boolean ok, String problem, String keyFingerprint) {
    static Result refused(String problem) {
      return new Result(false, problem, null);
    }
  }

  /** Verifies {@code armored} over {@code message} in {@code namespace} with one of {@code trusted}. */
  public static Result verify(String armored, byte[] message, String namespace,
      List<TrustedKey> trusted) {
    byte[] blob;
    try {
      blob = unarmor(armored);
    } catch (IllegalArgumentException e) {
      return Result.refused("the signature is not an armored SSH signature: " + e.getMessage());
    }
    Parsed sig;
    try {
      sig = parse(blob);
    } catch (IllegalArgumentException e) {
      return Result.refused("the signature cannot be read: " + e.getMessage());
    }
    if (!sig.namespace.equals(namespace)) {
      return new Result(false, "the signature is for namespace '" + sig.namespace + "', not '"
          + namespace + "' (sign with ssh-keygen -Y sign -n " + namespace + ")", sig.keyFingerprint);
    }
    if (!sig.hashAlgorithm.equals("sha512")) {
      return new Result(false, "the signature hashes with '" + sig.hashAlgorithm
          + "'; only sha512 (ssh-keygen's default) is accepted", sig.keyFingerprint);
    }
    TrustedKey match = null;
    for (TrustedKey k : trusted) {
      byte[] b;
      try {
        b = Base64.getDecoder().decode(k.base64());
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (Arrays.equals(b, sig.publicKey)) {
        match = k;
        break;
      }
    }
    if (match == null) {
      return new Result(false, "signed with key " + sig.keyFingerprint + ", which is not "
          + (trusted.isEmpty() ? "in the allowed signers" : trusted.size() == 1
              ? "the approver's key (" + fingerprint(trusted.get(0).base64()) + ")"
              : "one of the approver's keys " + trusted.stream()
                  .map(k -> fingerprint(k.base64())).toList()), sig.keyFingerprint);
    }
    try {
      byte[] signed = signedData(namespace, message);
      if (!verifyWith(sig.publicKey, sig.signatureAlgorithm, sig.signature, signed)) {
        return new Result(false, "the signature does not match the decision: it was made over"
            + " other text (another incident, run, step, backup, copy, verdict, comment or time)",
            sig.keyFingerprint);
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return new Result(false, "the signature cannot be checked: " + e.getMessage(),
          sig.keyFingerprint);
    }
    return new Result(true, null, sig.keyFingerprint);
  }

  /**
   * Why {@code base64} is not a usable public key of {@code type} (null: it is). For the plan
   * loader: every key in allowed_signers must be one the verifier can use.
   */
  public static String keyProblem(String type, String base64) {
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return "the key is not base64";
    }
    try {
      Reader r = new Reader(blob);
      String inner = r.string();
      if (!inner.equals(type)) {
        return "the key says it is " + inner + ", the line says " + type;
      }
      publicKey(blob);
      return null;
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return "not a usable " + type + " key: " + e.getMessage();
    }
  }

  /** {@code SHA256:…} of a key blob, as {@code ssh-keygen -l} prints it. */
  public static String fingerprint(String base64) {
    try {
      return fingerprint(Base64.getDecoder().decode(base64));
    } catch (IllegalArgumentException e) {
      return "(not base64)";
    }
  }

  static String fingerprint(byte[] blob) {
    return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(sha(blob, "SHA-256"));
  }

  /** What the key signs: the SSHSIG "signed data" for {@code message} in {@code namespace}. */
  public static byte[] signedData(String namespace, byte[] message) {
    Writer w = new Writer();
    w.raw(MAGIC);
    w.string(namespace.getBytes(StandardCharsets.UTF_8));
    w.string(new byte[0]);
    w.string("sha512".getBytes(StandardCharsets.US_ASCII));
    w.string(sha(message, "SHA-512"));
    return w.bytes();
  }

  /**
   * The armored SSHSIG for a signature already made over {@link #signedData}: what ssh-keygen
   * writes. For tests that sign in-process (the verifier's own tests use real ssh-keygen).
   */
  public static String armor(byte[] publicKeyBlob, String namespace, String signatureAlgorithm,
      byte[] rawSignature) {
    Writer sig = new Writer();
    sig.string(signatureAlgorithm.getBytes(StandardCharsets.US_ASCII));
    sig.string(rawSignature);
    Writer w = new Writer();
    w.raw(MAGIC);
    w.uint32(1);
    w.string(publicKeyBlob);
    w.string(namespace.getBytes(StandardCharsets.UTF_8));
    w.string(new byte[0]);
    w.string("sha512".getBytes(StandardCharsets.US_ASCII));
    w.string(sig.bytes());
    String b64 = Base64.getEncoder().encodeToString(w.bytes());
    StringBuilder out = new StringBuilder(BEGIN).append('\n');
    for (int i = 0; i < b64.length(); i += 70) {
      out.append(b64, i, Math.min(b64.length(), i + 70)).append('\n');
    }
    return out.append(END).append('\n').toString();
  }

  // ---- parsing -------------------------------------------------------------------------------

  private record Parsed(byte[] publicKey, String namespace, String hashAlgorithm,
      String signatureAlgorithm, byte[] signature, String keyFingerprint) {}

  private static byte[] unarmor(String armored) {
    if (armored == null || armored.isBlank()) {
      throw new IllegalArgumentException("it is empty");
    }
    // pasted JSON sometimes keeps the escapes: accept a literal \n as a line break
    String text = armored.replace("\\n", "\n").replace("\\r", "\r").strip();
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("expected " + BEGIN + " … " + END);
    }
    String body = text.substring(begin + BEGIN.length(), end).replaceAll("\\s+", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("its body is not base64");
    }
  }

  private static Parsed parse(byte[] blob) {
    Reader r = new Reader(blob);
    byte[] magic = r.raw(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IllegalArgumentException("no SSHSIG magic");
    }
    long version = r.uint32();
    if (version != 1) {
      throw new IllegalArgumentException("SSHSIG version " + version + ", expected 1");
    }
    byte[] publicKey = r.bytes();
    String namespace = new String(r.bytes(), StandardCharsets.UTF_8);
    r.bytes(); // reserved
    String hash = new String(r.bytes(), StandardCharsets.US_ASCII);
    Reader sig = new Reader(r.bytes());
    String algorithm = sig.string();
    byte[] raw = sig.bytes();
    return new Parsed(publicKey, namespace, hash, algorithm, raw, fingerprint(publicKey));
  }

  private static boolean verifyWith(byte[] keyBlob, String algorithm, byte[] signature,
      byte[] data) throws GeneralSecurityException {
    String keyType = new Reader(keyBlob).string();
    String jca = switch (algorithm) {
      case "ssh-ed25519" -> keyType.equals("ssh-ed25519") ? "Ed25519" : null;
      case "rsa-sha2-512" -> keyType.equals("ssh-rsa") ? "SHA512withRSA" : null;
      case "rsa-sha2-256" -> keyType.equals("ssh-rsa") ? "SHA256withRSA" : null;
      default -> null;
    };
    if (jca == null) {
      throw new IllegalArgumentException("signature algorithm " + algorithm + " with a "
          + keyType + " key is not accepted (ssh-ed25519; ssh-rsa with rsa-sha2-512/256)");
    }
    Signature s = Signature.getInstance(jca);
    s.initVerify(publicKey(keyBlob));
    s.update(data);
    return s.verify(signature);
  }

  private static PublicKey publicKey(byte[] blob) throws GeneralSecurityException {
    Reader r = new Reader(blob);
    String type = r.string();
    switch (type) {
      case "ssh-ed25519" -> {
        byte[] point = r.bytes();
        if (point.length != 32) {
          throw new IllegalArgumentException("an Ed25519 key has 32 bytes, not " + point.length);
        }
        byte[] der = new byte[ED25519_X509_PREFIX.length + 32];
        System.arraycopy(ED25519_X509_PREFIX, 0, der, 0, ED25519_X509_PREFIX.length);
        System.arraycopy(point, 0, der, ED25519_X509_PREFIX.length, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
      }
      case "ssh-rsa" -> {
        BigInteger e = new BigInteger(r.bytes());
        BigInteger n = new BigInteger(r.bytes());
        if (n.bitLength() < 2048) {
          throw new IllegalArgumentException("RSA keys need at least 2048 bits, this has "
              + n.bitLength());
        }
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
      }
      default -> throw new IllegalArgumentException("key type " + type
          + " is not supported (ssh-ed25519, ssh-rsa)");
    }
  }

  private static byte[] sha(byte[] data, String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JDK", e);
    }
  }

  /** SSH wire format: uint32 lengths, big-endian. */
  private static final class Reader {
    private final ByteBuffer in;

    Reader(byte[] data) {
      this.in = ByteBuffer.wrap(data);
    }

    long uint32() {
      need(4);
      return in.getInt() & 0xffffffffL;
    }

    byte[] raw(int n) {
      need(n);
      byte[] out = new byte[n];
      in.get(out);
      return out;
    }

    byte[] bytes() {
      long n = uint32();
      if (n > in.remaining()) {
        throw new IllegalArgumentException("truncated");
      }
      return raw((int) n);
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    private void need(int n) {
      if (in.remaining() < n) {
        throw new IllegalArgumentException("truncated");
      }
    }
  }

  private static final class Writer {
    private final List<byte[]> parts = new ArrayList<>();
    private int size;

    void raw(byte[] b) {
      parts.add(b);
      size += b.length;
    }

    void uint32(long v) {
      raw(ByteBuffer.allocate(4).putInt((int) v).array());
    }

    void string(byte[] b) {
      uint32(b.length);
      raw(b);
    }

    byte[] bytes() {
      ByteBuffer out = ByteBuffer.allocate(size);
      parts.forEach(out::put);
      return out.array();
    }
  }
}
