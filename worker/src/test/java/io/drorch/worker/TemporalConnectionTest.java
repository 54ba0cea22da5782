package io.drorch.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.worker.codec.EncryptionCodec;
import io.temporal.api.common.v1.Payload;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection settings as the temporal CLI reads them (envconfig), with our flags on top. An empty
 * TEMPORAL_CONFIG_FILE target keeps the machine's own ~/.config/temporalio out of these tests.
 */
class TemporalConnectionTest {
  @TempDir Path dir;

  private Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put("TEMPORAL_CONFIG_FILE", dir.resolve("absent.toml").toString());
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void nothingSetIsTheLocalDevServerInPlaintext() {
    TemporalConnection c = TemporalConnection.load(env(), null, null, null);

    assertEquals("127.0.0.1:7233", c.address());
    assertEquals("default", c.namespace());
    assertFalse(c.tls());
    assertFalse(c.payloadKeys().enabled());
    assertTrue(c.describe().contains("no TLS"), c.describe());
  }

  @Test
  void temporalCloudWithAnApiKeyIsTls() {
    TemporalConnection c = TemporalConnection.load(env(
        "TEMPORAL_ADDRESS", "dr-prod.a1b2c.tmprl.cloud:7233",
        "TEMPORAL_NAMESPACE", "dr-prod.a1b2c",
        "TEMPORAL_API_KEY", "eyJhbGciOi.secret"), null, null, null);

    assertEquals("dr-prod.a1b2c.tmprl.cloud:7233", c.address());
    assertEquals("dr-prod.a1b2c", c.namespace());
    assertTrue(c.tls() && c.apiKey());
    assertFalse(c.describe().contains("secret"), "never the key: " + c.describe());
  }

  @Test
  void tlsCanBeSwitchedOffExplicitlyAndImpliedByACertificateSetting() {
    assertFalse(TemporalConnection.load(env("TEMPORAL_API_KEY", "k", "TEMPORAL_TLS", "false"),
        null, null, null).tls());
    assertTrue(TemporalConnection.load(env("TEMPORAL_TLS_SERVER_CA_CERT_PATH", "/ca.pem"),
        null, null, null).tls());
    assertTrue(TemporalConnection.load(env("TEMPORAL_TLS", "true"), null, null, null).tls());
  }

  @Test
  void aTomlProfileIsReadAndTheEnvironmentAndFlagsWinOverIt() throws Exception {
    Path toml = dir.resolve("temporal.toml");
    Files.writeString(toml, """
        [profile.default]
        address = "localhost:7233"

        [profile.prod]
        address = "temporal.prod.internal:7233"
        namespace = "dr"
        [profile.prod.tls]
        server_ca_cert_path = "/etc/dr/ca.pem"
        server_name = "temporal.prod.internal"
        """);
    Map<String, String> base = env("TEMPORAL_CONFIG_FILE", toml.toString());

    TemporalConnection prod = TemporalConnection.load(base, null, null, "prod");
    Map<String, String> withEnv = new HashMap<>(base);
    withEnv.put("TEMPORAL_PROFILE", "prod");
    withEnv.put("TEMPORAL_NAMESPACE", "dr-staging");
    TemporalConnection envWins = TemporalConnection.load(withEnv, null, null, null);
    TemporalConnection flagsWin = TemporalConnection.load(withEnv, "10.0.0.9:7233", "other", null);

    assertEquals("temporal.prod.internal:7233", prod.address());
    assertEquals("dr", prod.namespace());
    assertTrue(prod.tls());
    assertTrue(prod.describe().contains("server name temporal.prod.internal"), prod.describe());
    assertEquals("dr-staging", envWins.namespace());
    assertEquals("temporal.prod.internal:7233", envWins.address());
    assertEquals("10.0.0.9:7233", flagsWin.address());
    assertEquals("other", flagsWin.namespace());
    assertEquals("localhost:7233", TemporalConnection.load(base, null, null, null).address());
  }

  @Test
  void aMissingProfileIsAClearError() throws Exception {
    Path toml = dir.resolve("temporal.toml");
    Files.writeString(toml, "[profile.default]\naddress = \"localhost:7233\"\n");

    IllegalStateException e = assertThrows(IllegalStateException.class, () ->
        TemporalConnection.load(env("TEMPORAL_CONFIG_FILE", toml.toString()), null, null, "prod"));

    assertTrue(e.getMessage().contains("profile 'prod'")
        && e.getMessage().contains("TEMPORAL_CONFIG_FILE=" + toml), e.getMessage());
  }

  @Test
  void aMissingCertificateFileNamesItsVariable() {
    TemporalConnection c = TemporalConnection.load(env("TEMPORAL_ADDRESS", "127.0.0.1:1",
        "TEMPORAL_TLS_SERVER_CA_CERT_PATH", dir.resolve("ca.pem").toString()), null, null, null);

    IllegalStateException e = assertThrows(IllegalStateException.class, c::connect);

    assertTrue(e.getMessage().contains("TEMPORAL_TLS_SERVER_CA_CERT_PATH=" + dir.resolve("ca.pem")
        + ": no such file"), e.getMessage());
  }

  @Test
  void anUnreachableEndpointSaysWhatToSet() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TemporalConnection c = TemporalConnection.load(env(), "127.0.0.1:" + port, null, null);

    IllegalStateException e = assertThrows(IllegalStateException.class, c::connect);

    assertTrue(e.getMessage().startsWith("Cannot reach Temporal at 127.0.0.1:" + port), e.getMessage());
    assertTrue(e.getMessage().contains("TEMPORAL_ADDRESS"), e.getMessage());
  }

  @Test
  void payloadKeysComeFromTheSameEnvironmentAndEncryptEveryClient() {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    TemporalConnection c = TemporalConnection.load(env("DR_PAYLOAD_KEY", key), null, null, null);

    Payload p = c.dataConverter().toPayload(Map.of("requestedBy", "alice")).orElseThrow();

    assertTrue(EncryptionCodec.isEncrypted(p));
    assertEquals("default", p.getMetadataOrThrow(EncryptionCodec.KEY_ID).toStringUtf8());
  }
}
