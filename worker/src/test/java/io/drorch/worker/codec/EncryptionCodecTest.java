package io.drorch.worker.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.GlobalDataConverter;
import io.temporal.payload.codec.PayloadCodecException;
import io.temporal.payload.context.ActivitySerializationContext;
import io.temporal.payload.context.WorkflowSerializationContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EncryptionCodecTest {
  record Secret(String webhook, String stderr, Instant at) {}

  private static final Secret SECRET = new Secret("https://hooks.example.com/T000/B000/XXXXsecret",
      "pg_restore: error: password authentication failed for user \"ai_docs\"",
      Instant.parse("2026-12-01T02:00:00Z"));

  private static final PayloadKeys.Key K1 = PayloadKeys.generate("k1");
  private static final PayloadKeys.Key K2 = PayloadKeys.generate("k2");

  @Test
  void encryptsARecordAndDecodesItBackThroughTheDataConverter() {
    DataConverter dc = PayloadEncryption.dataConverter(PayloadKeys.of("test", K1));

    Payload p = dc.toPayload(SECRET).orElseThrow();

    assertEquals(EncryptionCodec.ENCODING, p.getMetadataOrThrow("encoding").toStringUtf8());
    assertEquals("k1", p.getMetadataOrThrow(EncryptionCodec.KEY_ID).toStringUtf8());
    String raw = p.toByteString().toStringUtf8();
    assertFalse(raw.contains("hooks.example.com") || raw.contains("pg_restore")
        || raw.contains("json/plain") || raw.contains("webhook"), "ciphertext only: " + raw);
    assertEquals(SECRET, dc.fromPayload(p, Secret.class, Secret.class));
  }

  @Test
  void everyPayloadGetsItsOwnNonce() {
    EncryptionCodec codec = new EncryptionCodec(PayloadKeys.of("test", K1));
    Payload plain = json("{\"a\":1}");

    Payload a = codec.encode(plain);
    Payload b = codec.encode(plain);

    assertNotEquals(a.getData(), b.getData());
    assertFalse(a.getData().substring(0, EncryptionCodec.NONCE_BYTES)
        .equals(b.getData().substring(0, EncryptionCodec.NONCE_BYTES)));
    assertEquals(plain, codec.decode(a));
    assertEquals(plain, codec.decode(b));
  }

  @Test
  void rotationNewKeyEncryptsOldKeyStillDecodes() {
    EncryptionCodec before = new EncryptionCodec(PayloadKeys.of("before", K1));
    Payload old = before.encode(json("{\"old\":true}"));

    EncryptionCodec after = new EncryptionCodec(PayloadKeys.of("after", K2, K1));
    Payload fresh = after.encode(json("{\"new\":true}"));

    assertEquals("k2", fresh.getMetadataOrThrow(EncryptionCodec.KEY_ID).toStringUtf8());
    assertEquals(json("{\"old\":true}"), after.decode(old));
    assertEquals(json("{\"new\":true}"), after.decode(fresh));
  }

  @Test
  void anUnknownKeyIdFailsNamingIt() {
    Payload byK2 = new EncryptionCodec(PayloadKeys.of("k2 only", K2)).encode(json("{}"));
    EncryptionCodec onlyK1 = new EncryptionCodec(PayloadKeys.of("DR_PAYLOAD_KEYS=/etc/dr/keys", K1));

    PayloadCodecException e = assertThrows(PayloadCodecException.class, () -> onlyK1.decode(byK2));

    assertTrue(e.getMessage().contains("key 'k2'"), e.getMessage());
    assertTrue(e.getMessage().contains("[k1]") && e.getMessage().contains("/etc/dr/keys"),
        e.getMessage());
  }

  @Test
  void tamperedCiphertextNonceOrKeyIdIsRejected() {
    EncryptionCodec codec = new EncryptionCodec(PayloadKeys.of("test", K1, K2));
    Payload good = codec.encode(json("{\"amount\":100}"));
    byte[] data = good.getData().toByteArray();

    byte[] flippedBody = data.clone();
    flippedBody[data.length - 20] ^= 1;
    byte[] flippedNonce = data.clone();
    flippedNonce[0] ^= 1;
    List<Payload> bad = List.of(
        good.toBuilder().setData(ByteString.copyFrom(flippedBody)).build(),
        good.toBuilder().setData(ByteString.copyFrom(flippedNonce)).build(),
        good.toBuilder().putMetadata(EncryptionCodec.KEY_ID, ByteString.copyFromUtf8("k2")).build(),
        good.toBuilder().setData(good.getData().substring(0, 10)).build());

    for (Payload p : bad) {
      PayloadCodecException e = assertThrows(PayloadCodecException.class, () -> codec.decode(p));
      assertTrue(e.getMessage().contains("altered"), e.getMessage());
    }
  }

  @Test
  void plainPayloadsFromBeforeEncryptionStillDecode() {
    EncryptionCodec codec = new EncryptionCodec(PayloadKeys.of("test", K1));
    Payload plain = json("{\"written\":\"before the key existed\"}");

    assertSame(plain, codec.decode(plain));
  }

  @Test
  void summariesAndDetailsStayReadableInTheWebUi() {
    DataConverter dc = PayloadEncryption.dataConverter(PayloadKeys.of("test", K1));

    Payload summary = dc.toPayload("Recovery INC-42: DATABASE (CRITICAL), requested by alice")
        .orElseThrow();
    Payload nothing = dc.toPayload(null).orElseThrow();
    Optional<Payloads> record = dc.toPayloads(SECRET, List.of("a", "b"), 42, new byte[] {1, 2});

    assertEquals("json/plain", summary.getMetadataOrThrow("encoding").toStringUtf8());
    assertEquals("\"Recovery INC-42: DATABASE (CRITICAL), requested by alice\"",
        summary.getData().toString(StandardCharsets.UTF_8));
    assertTrue(EncryptionCodec.staysPlain(nothing));
    for (Payload p : record.orElseThrow().getPayloadsList()) {
      assertTrue(EncryptionCodec.isEncrypted(p), "records, lists, numbers, bytes: " + p);
    }
    assertArrayEquals(new byte[] {1, 2}, dc.fromPayloads(3, record, byte[].class, byte[].class));
  }

  @Test
  void inAnActivitysContextStringsAreEncryptedToo() {
    DataConverter dc = PayloadEncryption.dataConverter(PayloadKeys.of("test", K1));
    DataConverter activity = dc.withContext(new ActivitySerializationContext("default", "wf-1",
        "BackupWorkflow", "writeManifest", "dr", false));
    DataConverter workflow = dc.withContext(new WorkflowSerializationContext("default", "wf-1"));

    Payload result = activity.toPayload("ai-docs/database/db-1.manifest.json").orElseThrow();
    Payload summary = workflow.toPayload("write the manifest of db-1").orElseThrow();

    assertTrue(EncryptionCodec.isEncrypted(result));
    assertEquals("ai-docs/database/db-1.manifest.json",
        activity.fromPayload(result, String.class, String.class));
    assertFalse(EncryptionCodec.isEncrypted(summary));
  }

  @Test
  void withoutKeysPayloadsStayPlainAndAnEncryptedOneNamesTheKeyItNeeds() {
    DataConverter plain = PayloadEncryption.dataConverter(PayloadKeys.none());
    Payload encrypted = PayloadEncryption.dataConverter(PayloadKeys.of("test", K1))
        .toPayload(SECRET).orElseThrow();

    Payload p = plain.toPayload(SECRET).orElseThrow();

    assertEquals(GlobalDataConverter.get().toPayload(SECRET).orElseThrow(), p);
    assertEquals(SECRET, plain.fromPayload(p, Secret.class, Secret.class));
    PayloadCodecException e = assertThrows(PayloadCodecException.class,
        () -> plain.fromPayload(encrypted, Secret.class, Secret.class));
    assertTrue(e.getMessage().contains("key 'k1'") && e.getMessage().contains("DR_PAYLOAD_KEYS"),
        e.getMessage());
  }

  private static Payload json(String json) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8(json)).build();
  }
}
