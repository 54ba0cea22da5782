package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.LocalTemporal;
import io.drorch.starter.DrProcess;
import io.drorch.starter.HistoryPayloads;
import io.drorch.starter.TemporalCliProcess;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.WorkerProcess;
import io.drorch.worker.codec.PayloadKeys;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With a payload key, what Temporal stores is ciphertext: the raw history read with the temporal
 * CLI holds no input, result or detail in plain (only the summaries and search attributes meant
 * for the Web UI), while {@code dr status} with the key shows the recovery decoded, and the
 * codec server ({@code dr codec-server}) decodes the same history for the temporal CLI's
 * {@code --codec-endpoint}, refusing a wrong token. Worker, {@code dr} and codec server each run
 * in their own JVM configured by environment variables only. Own dev server: the shared stack's
 * worker has no key.
 */
class EncryptedPayloadsTest {
  private static final String INCIDENT = "ENC-1";
  private static final String TOKEN = "codec-test-token";
  /** From dr-plan.yaml's escalation contacts: travels in activity inputs only. */
  private static final String CONTACT = "infra-team@example.com";

  private static TestStack stack;
  private static LocalTemporal temporal;
  private static Path dir;
  private static Path keyFile;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    dir = Files.createTempDirectory("dr-enc-");
    temporal = LocalTemporal.startRealServer(dir.resolve("temporal"));
    keyFile = dir.resolve("payload-keys");
    Files.writeString(keyFile, PayloadKeys.line(PayloadKeys.generate("k1")) + "\n");
  }

  @AfterAll
  static void stop() {
    if (temporal != null) {
      temporal.close();
    }
  }

  @Test
  void historyHoldsCiphertextWhileDrAndTheCodecServerDecodeIt() throws Exception {
    Path planFile = TlsConnectionTest.samplePlanFile(stack, dir, "enc_db", "enc-db");
    Map<String, String> env = Map.of("TEMPORAL_ADDRESS", temporal.target(),
        "DR_PAYLOAD_KEYS", keyFile.toString());
    try (WorkerProcess worker = WorkerProcess.start(temporal.target(), stack,
        dir.resolve("worker.log"), Map.of("DR_PAYLOAD_KEYS", keyFile.toString(),
            "DR_PLAN", planFile.toString()))) {
      Waits.await("the worker polling", Duration.ofMinutes(1),
          () -> worker.logTail().contains("DR worker polling") || !worker.alive());
      assertTrue(worker.logTail().contains("payloads encrypted with AES-256-GCM, key 'k1'"),
          worker.logTail());

      DrProcess.Result backup = DrProcess.run(env, Duration.ofMinutes(3), "backup", "database",
          "--wait", "--plan", planFile.toString());
      assertEquals(0, backup.exitCode(), backup + "\n" + worker.logTail());
      String backupId = group(backup.out(), "started (\\S+)");
      String sha256 = group(backup.out(), "sha256 ([0-9a-f]{64})");

      DrProcess.Result recover = DrProcess.run(env, Duration.ofMinutes(1), "recover",
          "--incident", INCIDENT, "--scope", "database", "--requested-by", "quentin",
          "--plan", planFile.toString());
      assertEquals(0, recover.exitCode(), recover.toString());
      DrProcess.Result status = awaitStatus(env, "waiting: database-swap");
      assertTrue(status.out().contains("level 1 Infrastructure Team"), status.out());
      assertTrue(status.out().contains("restore"), "the steps, decoded: " + status.out());

      // the raw history: ciphertext everywhere but the Web UI's summaries and search attributes
      List<String> ids = List.of(backupId, "recovery-" + INCIDENT, "recovery-" + INCIDENT + "-database");
      StringBuilder visible = new StringBuilder();
      int encrypted = 0;
      for (String id : ids) {
        TemporalCliProcess.Result raw = TemporalCliProcess.run(Map.of(), "workflow", "show",
            "-w", id, "-o", "json", "--address", temporal.target());
        assertEquals(0, raw.exitCode(), raw.output());
        List<HistoryPayloads.Found> payloads = HistoryPayloads.of(raw.output());
        assertEquals(List.of(), HistoryPayloads.readableThatShouldNotBe(payloads),
            "plain payloads in the history of " + id);
        encrypted += (int) payloads.stream()
            .filter(p -> p.encoding().equals(HistoryPayloads.ENCRYPTED)).count();
        assertTrue(payloads.stream().anyMatch(p -> p.path().contains("userMetadata")
            && p.encoding().equals("json/plain")), "the summary stays readable: " + id);
        visible.append(HistoryPayloads.visibleText(raw.output(), payloads));
      }
      assertTrue(encrypted >= 10, "inputs and results encrypted: " + encrypted);
      assertFalse(visible.toString().contains(sha256), "the backup's SHA-256 is in no plain payload");
      assertFalse(visible.toString().contains(CONTACT), "the plan's contacts are in no plain payload");

      // the codec server decodes the same history for the temporal CLI (and the Web UI)
      int port = freePort();
      Path codecLog = dir.resolve("codec-server.log");
      Process codec = DrProcess.startBackground(Map.of("DR_PAYLOAD_KEYS", keyFile.toString(),
          "DR_CODEC_TOKEN", TOKEN), codecLog, "codec-server", "--port", String.valueOf(port));
      try {
        Waits.await("dr codec-server listening", Duration.ofMinutes(1),
            () -> answers(port) || !codec.isAlive());
        assertTrue(codec.isAlive(), Files.readString(codecLog));
        String endpoint = "http://127.0.0.1:" + port;
        TemporalCliProcess.Result decoded = TemporalCliProcess.run(Map.of(), "workflow", "show",
            "-w", "recovery-" + INCIDENT, "-o", "json", "--address", temporal.target(),
            "--codec-endpoint", endpoint, "--codec-auth", "Bearer " + TOKEN);
        assertEquals(0, decoded.exitCode(), decoded.output());
        List<HistoryPayloads.Found> plain = HistoryPayloads.of(decoded.output());
        String text = HistoryPayloads.visibleText(decoded.output(), plain);
        assertTrue(text.contains(sha256) && text.contains(CONTACT),
            "decoded through the codec server:\n" + text.substring(0, Math.min(4000, text.length())));
        assertFalse(plain.stream().anyMatch(p -> p.encoding().equals(HistoryPayloads.ENCRYPTED)));

        TemporalCliProcess.Result wrongToken = TemporalCliProcess.run(Map.of(), "workflow",
            "show", "-w", "recovery-" + INCIDENT, "-o", "json", "--address", temporal.target(),
            "--codec-endpoint", endpoint, "--codec-auth", "Bearer wrong");
        assertFalse(wrongToken.exitCode() == 0 && wrongToken.output().contains(CONTACT),
            "a wrong token decodes nothing: " + wrongToken.output());
        assertTrue(wrongToken.exitCode() != 0 || wrongToken.output().contains("401"),
            wrongToken.output());
      } finally {
        codec.destroy();
        codec.waitFor();
      }

      // dr without the key cannot read it, and says which key it needs
      DrProcess.Result noKey = DrProcess.run(Map.of("TEMPORAL_ADDRESS", temporal.target()),
          Duration.ofMinutes(1), "status", INCIDENT);
      assertNotEquals(0, noKey.exitCode(), noKey.toString());
      assertTrue(noKey.err().contains("key 'k1'"), noKey.err());
    }
  }

  private static DrProcess.Result awaitStatus(Map<String, String> env, String text)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    DrProcess.Result r = null;
    while (System.nanoTime() < deadline) {
      r = DrProcess.run(env, Duration.ofMinutes(1), "status", INCIDENT);
      if (r.out().contains(text)) {
        return r;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("dr status never showed '" + text + "': " + r);
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex + " in " + text);
    return m.group(1);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
