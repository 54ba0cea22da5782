package io.drorch.worker.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DataConverter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The codec server over real HTTP, as the Web UI (a browser) and a CLI call it. */
class CodecServerTest {
  private static final String UI = "http://127.0.0.1:8233";
  private static final String TOKEN = "s3cret-token";
  private static final PayloadKeys KEYS = PayloadKeys.of("test", PayloadKeys.generate("k1"));

  private static CodecServer server;
  private static final HttpClient http = HttpClient.newHttpClient();

  record Input(String incidentId, String requestedBy) {}

  @BeforeAll
  static void start() {
    server = CodecServer.start("127.0.0.1", 0, KEYS, List.of(UI + "/"), TOKEN);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void decodesForTheWebUiWithCorsHeaders() throws Exception {
    DataConverter dc = PayloadEncryption.dataConverter(KEYS);
    Payload encrypted = dc.toPayload(new Input("INC-42", "alice")).orElseThrow();
    Payload summary = dc.toPayload("Recovery INC-42").orElseThrow();
    String body = JsonFormat.printer().print(Payloads.newBuilder()
        .addPayloads(encrypted).addPayloads(summary).build());

    HttpResponse<String> r = post("/decode", body, UI, "Bearer " + TOKEN);

    assertEquals(200, r.statusCode(), r.body());
    assertEquals(UI, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertEquals("true", r.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    Payloads.Builder out = Payloads.newBuilder();
    JsonFormat.parser().merge(r.body(), out);
    assertEquals(2, out.getPayloadsCount());
    assertEquals("json/plain", out.getPayloads(0).getMetadataOrThrow("encoding").toStringUtf8());
    assertTrue(out.getPayloads(0).getData().toStringUtf8().contains("\"requestedBy\":\"alice\""),
        out.getPayloads(0).getData().toStringUtf8());
    assertEquals(summary, out.getPayloads(1));
    assertTrue(r.body().startsWith("{\"payloads\":[{\"metadata\":{"), r.body());
  }

  @Test
  void answersThePreflightWithoutAToken() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/decode"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", UI)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type,x-namespace,authorization")
        .build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(204, r.statusCode());
    assertEquals(UI, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertEquals("Content-Type, X-Namespace, Authorization",
        r.headers().firstValue("Access-Control-Allow-Headers").orElse(null));
    assertTrue(r.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
  }

  @Test
  void refusesAWrongOrMissingTokenAndAnotherOrigin() throws Exception {
    String body = "{\"payloads\":[]}";

    HttpResponse<String> wrong = post("/decode", body, UI, "Bearer not-it");
    HttpResponse<String> none = post("/decode", body, null, null);
    HttpResponse<String> evil = post("/decode", body, "http://evil.example", "Bearer " + TOKEN);

    assertEquals(401, wrong.statusCode());
    assertEquals(UI, wrong.headers().firstValue("Access-Control-Allow-Origin").orElse(null),
        "the browser may read why");
    assertEquals(401, none.statusCode());
    assertEquals(403, evil.statusCode());
    assertFalse(evil.headers().firstValue("Access-Control-Allow-Origin").isPresent());
  }

  @Test
  void encodesForACliWithoutAnOrigin() throws Exception {
    Payload plain = Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8("{\"verdict\":\"APPROVE\"}")).build();

    HttpResponse<String> r = post("/encode",
        JsonFormat.printer().print(Payloads.newBuilder().addPayloads(plain).build()), null,
        "Bearer " + TOKEN);

    assertEquals(200, r.statusCode(), r.body());
    Payloads.Builder out = Payloads.newBuilder();
    JsonFormat.parser().merge(r.body(), out);
    assertTrue(EncryptionCodec.isEncrypted(out.getPayloads(0)));
    assertEquals(plain, new EncryptionCodec(KEYS).decode(out.getPayloads(0)));
  }

  @Test
  void anUndecodablePayloadIsA400NamingTheKey() throws Exception {
    Payload other = new EncryptionCodec(PayloadKeys.of("x", PayloadKeys.generate("k9")))
        .encode(Payload.newBuilder().setData(ByteString.copyFromUtf8("{}")).build());

    HttpResponse<String> r = post("/decode",
        JsonFormat.printer().print(Payloads.newBuilder().addPayloads(other).build()), UI,
        "Bearer " + TOKEN);

    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("key 'k9'"), r.body());
  }

  private static HttpResponse<String> post(String path, String body, String origin, String auth)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json")
        .header("X-Namespace", "default");
    if (origin != null) {
      b.header("Origin", origin);
    }
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
