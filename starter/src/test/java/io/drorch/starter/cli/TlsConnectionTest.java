package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.LocalTemporal;
import io.drorch.local.SampleApplication;
import io.drorch.starter.DrProcess;
import io.drorch.starter.TemporalCliProcess;
import io.drorch.starter.TestStack;
import io.drorch.starter.TlsTerminator;
import io.drorch.starter.Waits;
import io.drorch.starter.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Worker and CLI reach a TLS-only Temporal through Temporal's environment configuration alone:
 * nginx terminates TLS (and, on a second port, mTLS) in front of the dev server, the worker (its
 * own JVM, mTLS) and {@code dr} (its own JVM, TLS) get nothing but TEMPORAL_* variables, and
 * the {@code temporal} CLI reads the very same ones. A client that gets TLS wrong fails with one
 * line naming what to set, exit code 4. Own dev server: the shared stack's in-process worker must
 * not take these tasks.
 */
class TlsConnectionTest {
  private static TestStack stack;
  private static LocalTemporal temporal;
  private static TlsTerminator tls;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    dir = Files.createTempDirectory("dr-tls-");
    temporal = LocalTemporal.startRealServer(dir.resolve("temporal"));
    tls = TlsTerminator.start(dir.resolve("nginx"), temporal.target());
  }

  @AfterAll
  static void stop() throws Exception {
    if (tls != null) {
      tls.close();
    }
    if (temporal != null) {
      temporal.close();
    }
  }

  private static Map<String, String> tlsEnv() {
    return Map.of("TEMPORAL_ADDRESS", tls.tlsAddress(),
        "TEMPORAL_TLS_SERVER_CA_CERT_PATH", tls.caCert().toString());
  }

  @Test
  void workerOverMtlsAndCliOverTlsRunABackupEndToEnd() throws Exception {
    Path planFile = samplePlanFile(stack, dir, "tls_db", "tls-db");
    Map<String, String> workerEnv = new HashMap<>(Map.of(
        "TEMPORAL_TLS_SERVER_CA_CERT_PATH", tls.caCert().toString(),
        "TEMPORAL_TLS_CLIENT_CERT_PATH", tls.clientCert().toString(),
        "TEMPORAL_TLS_CLIENT_KEY_PATH", tls.clientKey().toString(),
        "DR_PLAN", planFile.toString()));
    try (WorkerProcess worker = WorkerProcess.start(tls.mtlsAddress(), stack,
        dir.resolve("worker.log"), workerEnv)) {
      Waits.await("the worker polling through mTLS", Duration.ofMinutes(1),
          () -> worker.logTail().contains("DR worker polling") || !worker.alive());
      assertTrue(worker.alive(), worker.logTail());
      assertTrue(worker.logTail().contains(tls.mtlsAddress() + " (namespace default, TLS with client"
          + " certificate"), worker.logTail());

      DrProcess.Result backup = DrProcess.run(tlsEnv(), Duration.ofMinutes(3),
          "backup", "database", "--wait", "--plan", planFile.toString());
      assertEquals(0, backup.exitCode(), backup + "\nworker:\n" + worker.logTail()
          + "\nnginx:\n" + tls.errorLog());
      assertTrue(backup.out().contains("committed"), backup.out());

      DrProcess.Result list = DrProcess.run(tlsEnv(), Duration.ofMinutes(1),
          "recoveries", "list", "--plan", planFile.toString());
      assertEquals(0, list.exitCode(), list.toString());

      String workflowId = backup.out().lines().filter(l -> l.startsWith("started "))
          .map(l -> l.substring("started ".length()).strip()).findFirst().orElseThrow();
      String shown = TemporalCliProcess.run(tlsEnv(), "workflow", "describe", "-w", workflowId)
          .output();
      assertTrue(shown.contains("Completed") || shown.contains("COMPLETED"),
          "the temporal CLI through the same TLS variables:\n" + shown);
    }
  }

  @Test
  void aPlaintextClientAgainstTheTlsPortFailsSayingToSwitchTlsOn() throws Exception {
    DrProcess.Result r = DrProcess.run(Map.of("TEMPORAL_ADDRESS", tls.tlsAddress()),
        Duration.ofMinutes(1), "recoveries", "list");

    assertEquals(ExitCodes.UNAVAILABLE, r.exitCode(), r.toString());
    assertTrue(r.err().contains("Cannot reach Temporal at " + tls.tlsAddress()), r.err());
    assertTrue(r.err().contains("speaks TLS") && r.err().contains("TEMPORAL_TLS=true"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
  }

  @Test
  void anUntrustedServerCertificateOrAMissingClientCertificateSayWhatToSet() throws Exception {
    DrProcess.Result noCa = DrProcess.run(Map.of("TEMPORAL_ADDRESS", tls.tlsAddress(),
        "TEMPORAL_TLS", "true"), Duration.ofMinutes(1), "recoveries", "list");
    DrProcess.Result noClientCert = DrProcess.run(Map.of("TEMPORAL_ADDRESS", tls.mtlsAddress(),
        "TEMPORAL_TLS_SERVER_CA_CERT_PATH", tls.caCert().toString()), Duration.ofMinutes(1),
        "recoveries", "list");

    assertEquals(ExitCodes.UNAVAILABLE, noCa.exitCode(), noCa.toString());
    assertTrue(noCa.err().contains("not trusted")
        && noCa.err().contains("TEMPORAL_TLS_SERVER_CA_CERT_PATH"), noCa.err());
    assertEquals(ExitCodes.UNAVAILABLE, noClientCert.exitCode(), noClientCert.toString());
    assertTrue(noClientCert.err().contains("client certificate")
        && noClientCert.err().contains("TEMPORAL_TLS_CLIENT_CERT_PATH"), noClientCert.err());
    assertEquals(1, noCa.err().strip().lines().count(), "one line: " + noCa.err());
    assertEquals(1, noClientCert.err().strip().lines().count(), "one line: " + noClientCert.err());
  }

  /** dr-plan.yaml for a fresh sample database and bucket of the shared stack, in {@code dir}. */
  static Path samplePlanFile(TestStack stack, Path dir, String db, String bucket)
      throws Exception {
    SampleApplication.createDatabase(stack.pg, db, 1);
    Path uploads = dir.resolve("uploads-" + db);
    SampleApplication.createUploads(uploads, 5);
    stack.s3.createBucket(bucket);
    Map<String, String> v = new HashMap<>();
    v.put("DR_DB_HOST", stack.pg.host());
    v.put("DR_DB_PORT", String.valueOf(stack.pg.port()));
    v.put("DR_DB_NAME", db);
    v.put("DR_DB_USER", stack.pg.superuser());
    v.put("DR_DB_MIGRATIONS", "filesystem:" + SampleApplication.migrationsDir());
    v.put("DR_UPLOADS_DIR", uploads.toString());
    v.put("DR_S3_BUCKET", bucket);
    v.put("DR_S3_ENDPOINT", stack.s3.endpoint());
    v.put("DR_S3_PATH_STYLE", "true");
    return Cli.planFile(dir, db, v);
  }
}
