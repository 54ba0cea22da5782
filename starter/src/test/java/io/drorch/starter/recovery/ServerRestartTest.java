package io.drorch.starter.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.storage.BackupVerifier;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.local.LocalTemporal;
import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.WorkerProcess;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Temporal dev server is stopped and started again on the same SQLite file in the middle of
 * a recovery (and of a backup): nothing is lost, and a worker started against the restarted
 * server finishes the work. Each test runs its own server, so only its worker processes poll it.
 */
class ServerRestartTest {
  TestStack stack;
  LocalTemporal temporal;

  @AfterEach
  void stop() {
    if (temporal != null) {
      temporal.close();
    }
  }

  private DrPlan plan(String name, int scale) throws Exception {
    stack = TestStack.get();
    SampleApplication.createDatabase(stack.pg, name, scale);
    String bucket = name.replace('_', '-');
    stack.s3.createBucket(bucket);
    DrPlan p = stack.plan(
        new DatabaseTarget(stack.pg.host(), stack.pg.port(), name, stack.pg.superuser(), null,
            "gzip"),
        new FilesTarget(stack.dir.resolve("uploads-" + name).toString()), stack.storage(bucket));
    return stack.withWorkDir(p, "restart-" + name, List.of());
  }

  /** close() then restart() on the same directory; returns the restart's duration in ms. */
  private long restartServer() throws Exception {
    long t0 = System.nanoTime();
    String before = temporal.target();
    temporal.close();
    temporal = temporal.restart();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("server restart: %s -> %s in %d ms%n", before, temporal.target(), ms);
    return ms;
  }

  @Test
  void recoveryWaitingForApprovalSurvivesAServerRestartAndIsApprovedAfterIt() throws Exception {
    DrPlan plan = plan("restart_db", 1);
    Path dir = stack.dir.resolve("restart-temporal-1");
    Path logs = stack.dir.resolve("restart-logs");
    temporal = LocalTemporal.startRealServer(dir);
    Map<String, DataFingerprint.Table> before;
    Path planFile = stack.planFile(plan, "restart_db");
    try (WorkerProcess first =
        WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("recovery-1.log"))) {
      BackupRuns.await(BackupRuns.startDatabase(temporal.client(), TaskQueues.DR, "test"));
      try (Connection c = stack.pg.connect("restart_db")) {
        before = DataFingerprint.database(c);
      }
      stack.pg.dropDatabase("restart_db");
      var wf = RecoveryRuns.start(temporal.client(), TaskQueues.DR, "RESTART-1",
          List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "test");
      Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(2));

      restartServer();

      // the first worker may or may not find the server again (same port or not): a new one
      // started against the new address must be enough
      try (WorkerProcess second =
          WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("recovery-2.log"))) {
        var after = RecoveryRuns.existing(temporal.client(), "RESTART-1");
        assertTrue(after.status().pending().stream()
                .anyMatch(p -> p.step().equals("database-swap")),
            "pending decision lost in the restart: " + after.status().pending());
        var decision = RecoveryRuns.decide(temporal.client(), "RESTART-1", "alice",
            Verdict.APPROVE, "database-swap", "after the server restart", stack.signer("alice"));
        assertEquals(1, decision.level());
        RecoveryReport report = RecoveryRuns.result(temporal.client(), "RESTART-1");
        assertEquals(Outcome.RECOVERED, report.outcome(),
            report.outcomeDetail() + "\n" + second.logTail());
      } finally {
        first.kill9(); // it may be retrying a dead address; no need to wait for a clean stop
      }
    }
    try (Connection c = stack.pg.connect("restart_db")) {
      assertEquals(before, DataFingerprint.databaseLike(c, before));
    }
  }

  @Test
  void databaseBackupRunningDuringAServerRestartCommitsExactlyOneValidBackup() throws Exception {
    DrPlan plan = plan("restart_bk", 25);
    Path dir = stack.dir.resolve("restart-temporal-2");
    Path logs = stack.dir.resolve("restart-logs");
    temporal = LocalTemporal.startRealServer(dir);
    BackupResult result;
    long t0 = System.nanoTime();
    Path planFile = stack.planFile(plan, "restart_bk");
    try (WorkerProcess first =
        WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("backup-1.log"))) {
      WorkflowStub run = BackupRuns.startDatabase(temporal.client(), TaskQueues.DR, "test");
      String id = run.getExecution().getWorkflowId();
      Waits.await("pg_dump of restart_bk running", Duration.ofMinutes(2),
          () -> Waits.processRunning("pg_dump", "restart_bk"));

      restartServer();

      try (WorkerProcess second =
          WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("backup-2.log"))) {
        result = temporal.client().newUntypedWorkflowStub(id).getResult(BackupResult.class);
      } finally {
        first.kill9();
      }
    }
    System.out.printf("backup across a server restart: done in %d ms, data %s%n",
        (System.nanoTime() - t0) / 1_000_000, result.dataKey());
    var store = stack.clients.store(plan.storage());
    var valid = StorageActivitiesImpl.catalog(store).backups().stream()
        .filter(b -> b.state() == StoredBackup.DataState.PRESENT).toList();
    assertEquals(1, valid.size(), "backups: " + valid);
    assertEquals(result.backupId(), valid.get(0).manifest().backupId());
    var verified = new BackupVerifier(store, n -> { }).verify(result.backupId());
    assertTrue(verified.valid(), verified.problem());
  }
}
