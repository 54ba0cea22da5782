package io.drorch.worker.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.EncodingKeys;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import io.temporal.payload.context.ActivitySerializationContext;
import io.temporal.payload.context.SerializationContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nonnull;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts payloads with AES-256-GCM before they leave the process, so Temporal's history (and
 * whoever can read it: the Web UI, {@code temporal workflow show}, a database backup of the
 * server) holds ciphertext only.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>An encrypted payload is {@code metadata: {encoding: binary/encrypted, encryption-key-id:
 *       ID}} and {@code data: nonce(12 random bytes) || AES-GCM(serialized original payload)},
 *       the key id bound as associated data: the original encoding is hidden too, and altering
 *       the ciphertext, the nonce or the key id fails authentication.
 *   <li>A fresh random 96-bit nonce per payload.
 *   <li>Decoding picks the key by the id in the payload; an id this process does not have fails
 *       with an error naming it. A payload that is not {@code binary/encrypted} passes through
 *       (histories written before encryption was switched on still read).
 *   <li>One kind of payload stays plain on purpose: a bare JSON string ({@code json/plain} whose
 *       JSON is a string) encoded in a workflow's context or none. That is what the SDK 1.38 makes
 *       of the static summary and details of a workflow, of activity, timer and child summaries
 *       (user metadata goes through the data converter and its codecs; no option keeps it out),
 *       and of memo texts: the Web UI must show them without a codec server, and they carry no
 *       secrets by our rules. In an activity's context (its input, result and heartbeat details;
 *       {@link ActivitySerializationContext}) strings are encrypted too. No workflow, signal,
 *       update or query of ours takes or returns a bare string (WirePayloadTypesTest), so every
 *       input, result, decision, status and failure is encrypted.
 * </ul>
 */
public final class EncryptionCodec implements PayloadCodec {
  public static final String ENCODING = "binary/encrypted";
  public static final String KEY_ID = "encryption-key-id";
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final ByteString ENCODING_BYTES = ByteString.copyFromUtf8(ENCODING);
  private static final ByteString JSON_PLAIN = ByteString.copyFromUtf8("json/plain");

  private final PayloadKeys keys;
  private final SecureRandom random;
  private final boolean plainStrings;

  /**
   * With {@link PayloadKeys#none()} nothing is encrypted and an encrypted payload fails to decode
   * with an error naming its key (instead of the SDK's "no converter for binary/encrypted").
   */
  public EncryptionCodec(PayloadKeys keys) {
    this(keys, new SecureRandom(), true);
  }

  private EncryptionCodec(PayloadKeys keys, SecureRandom random, boolean plainStrings) {
    this.keys = keys;
    this.random = random;
    this.plainStrings = plainStrings;
  }

  /** In an activity's context every payload is encrypted, bare strings included. */
  @Nonnull
  @Override
  public PayloadCodec withContext(@Nonnull SerializationContext context) {
    boolean plain = !(context instanceof ActivitySerializationContext);
    return plain == plainStrings ? this : new EncryptionCodec(keys, random, plain);
  }

  public PayloadKeys keys() {
    return keys;
  }

  @Nonnull
  @Override
  public List<Payload> encode(@Nonnull List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) {
      out.add(encode(p));
    }
    return out;
  }

  @Nonnull
  @Override
  public List<Payload> decode(@Nonnull List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) {
      out.add(decode(p));
    }
    return out;
  }

  /** The encrypted payload, or {@code p} itself when it stays plain (see the class comment). */
  public Payload encode(Payload p) {
    if (!keys.enabled() || isEncrypted(p)
        || (plainStrings ? staysPlain(p) : p.getData().isEmpty())) {
      return p;
    }
    PayloadKeys.Key key = keys.encrypting();
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed;
    try {
      Cipher c = Cipher.getInstance(TRANSFORMATION);
      c.init(Cipher.ENCRYPT_MODE, key.secret(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(key.id().getBytes(StandardCharsets.UTF_8));
      sealed = c.doFinal(p.toByteArray());
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException("cannot encrypt a payload with key '" + key.id() + "': " + e, e);
    }
    byte[] data = new byte[NONCE_BYTES + sealed.length];
    System.arraycopy(nonce, 0, data, 0, NONCE_BYTES);
    System.arraycopy(sealed, 0, data, NONCE_BYTES, sealed.length);
    return Payload.newBuilder()
        .putMetadata(EncodingKeys.METADATA_ENCODING_KEY, ENCODING_BYTES)
        .putMetadata(KEY_ID, ByteString.copyFromUtf8(key.id()))
        .setData(ByteString.copyFrom(data))
        .build();
  }

  /** The original payload of an encrypted one; any other payload unchanged. */
  public Payload decode(Payload p) {
    if (!isEncrypted(p)) {
      return p;
    }
    ByteString idBytes = p.getMetadataMap().get(KEY_ID);
    if (idBytes == null || idBytes.isEmpty()) {
      throw new PayloadCodecException("an encrypted payload (" + ENCODING + ") has no " + KEY_ID
          + " in its metadata: it was not written by the DR Orchestrator's codec");
    }
    String id = idBytes.toStringUtf8();
    if (!keys.enabled()) {
      throw new PayloadCodecException("this payload is encrypted with key '" + id + "', and no"
          + " payload key is configured here: set " + PayloadKeys.KEYS_FILE_ENV + "=FILE (or "
          + PayloadKeys.KEY_ENV + ") to the key file the worker uses");
    }
    PayloadKeys.Key key = keys.find(id).orElseThrow(() -> new PayloadCodecException(
        "this payload is encrypted with key '" + id + "', which this process does not have"
            + " (it has " + keys.ids() + " from " + keys.source() + "): add the line of key '"
            + id + "' to the key file (" + PayloadKeys.KEYS_FILE_ENV + "), keeping the newest"
            + " key first"));
    byte[] data = p.getData().toByteArray();
    if (data.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new PayloadCodecException("an encrypted payload (key '" + id + "') is too short ("
          + data.length + " bytes): it was truncated or altered");
    }
    byte[] plain;
    try {
      Cipher c = Cipher.getInstance(TRANSFORMATION);
      c.init(Cipher.DECRYPT_MODE, key.secret(), new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
      c.updateAAD(idBytes.toByteArray());
      plain = c.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new PayloadCodecException("an encrypted payload failed authentication with key '" + id
          + "': it was altered, or the key named '" + id + "' here is not the one that encrypted"
          + " it", e);
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException("cannot decrypt a payload with key '" + id + "': " + e, e);
    }
    try {
      return Payload.parseFrom(plain);
    } catch (InvalidProtocolBufferException e) {
      throw new PayloadCodecException("a payload decrypted with key '" + id + "' is not a"
          + " Temporal payload: " + e.getMessage(), e);
    }
  }

  public static boolean isEncrypted(Payload p) {
    return ENCODING_BYTES.equals(p.getMetadataMap().get(EncodingKeys.METADATA_ENCODING_KEY));
  }

  /**
   * A bare JSON string: in a workflow's context, a summary, details text or memo text for the
   * Web UI (see the class comment). Also a payload without data ({@code binary/null}).
   */
  public static boolean staysPlain(Payload p) {
    ByteString encoding = p.getMetadataMap().get(EncodingKeys.METADATA_ENCODING_KEY);
    if (JSON_PLAIN.equals(encoding)) {
      ByteString d = p.getData();
      return !d.isEmpty() && d.byteAt(0) == '"';
    }
    return p.getData().isEmpty();
  }
}
