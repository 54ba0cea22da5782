package io.drorch.starter.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.LocalTemporal;
import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.WorkerProcess;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the worker while pg_restore runs and while files are extracted: a new worker
 * finishes the recovery with correct data. Runs on its own Temporal dev server, so only the
 * worker processes started here poll it.
 */
class CrashRecoveryTest {
  static TestStack stack;
  static LocalTemporal temporal;
  static Path logs;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    temporal = LocalTemporal.startRealServer(stack.dir.resolve("crash-temporal"));
    logs = stack.dir.resolve("crash-logs");
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  private DrPlan plan(String name, int scale, int files) throws Exception {
    SampleApplication.createDatabase(stack.pg, name, scale);
    Path uploads = stack.dir.resolve("uploads-" + name);
    SampleApplication.createUploads(uploads, files);
    String bucket = name.replace('_', '-');
    stack.s3.createBucket(bucket);
    DrPlan p = stack.plan(
        new io.drorch.workflows.contracts.plan.DatabaseTarget(stack.pg.host(), stack.pg.port(), name,
            stack.pg.superuser(), null, "gzip"),
        new FilesTarget(uploads.toString()), stack.storage(bucket));
    return stack.withWorkDir(p, "crash-" + name, List.of());
  }

  @Test
  void killedDuringPgRestoreANewWorkerFinishesWithCorrectData() throws Exception {
    DrPlan plan = plan("crash_db", 25, 10);
    String restoreDb = io.drorch.workflows.recovery.Names.database("crash_db", "_restore_",
        "CRASH-1") + "_a1"; // attempt 1's database
    Path planFile = stack.planFile(plan, "crash_db");
    try (WorkerProcess first =
        WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("db-1.log"))) {
      BackupRuns.await(BackupRuns.startDatabase(temporal.client(), TaskQueues.DR, "test"));
      var before = fingerprint("crash_db");
      stack.pg.dropDatabase("crash_db");

      RecoveryWorkflow wf = RecoveryRuns.start(temporal.client(), TaskQueues.DR, "CRASH-1",
          List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "test");
      Waits.await("pg_restore into " + restoreDb + " running", Duration.ofMinutes(2),
          () -> Waits.processRunning("pg_restore", restoreDb));
      first.kill9();

      try (WorkerProcess second =
          WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("db-2.log"))) {
        Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(3));
        RecoveryRuns.decide(temporal.client(), "CRASH-1", "alice", Verdict.APPROVE, null, null,
            stack.signer("alice"));
        RecoveryReport report = RecoveryRuns.result(temporal.client(), "CRASH-1");
        assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail() + second.logTail());
      }
      try (Connection c = stack.pg.connect("crash_db")) {
        assertEquals(before, DataFingerprint.databaseLike(c, before));
      }
    }
  }

  @Test
  void killedDuringExtractionANewWorkerFinishesWithIdenticalFiles() throws Exception {
    DrPlan plan = plan("crash_files", 1, 1500);
    Path uploads = Path.of(plan.files().uploadsDir());
    Path staging = Path.of(io.drorch.workflows.recovery.Names.directory(uploads.toString(),
        ".restore-", "CRASH-2") + ".a1"); // attempt 1's
    Path planFile = stack.planFile(plan, "crash_files");
    try (WorkerProcess first =
        WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("files-1.log"))) {
      BackupRuns.await(BackupRuns.startFiles(temporal.client(), TaskQueues.DR, "test"));
      var before = DataFingerprint.tree(uploads);
      deleteTree(uploads);

      RecoveryWorkflow wf = RecoveryRuns.start(temporal.client(), TaskQueues.DR, "CRASH-2",
          List.of(RecoveryScope.FILES), Tier.CRITICAL, null, null, "test");
      Waits.await("extraction into " + staging + " under way", Duration.ofMinutes(2),
          () -> countFiles(staging) > 20);
      first.kill9();
      long partial = countFiles(staging);

      try (WorkerProcess second =
          WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("files-2.log"))) {
        Waits.pending(wf, "files-swap", 0, Duration.ofMinutes(3));
        RecoveryRuns.decide(temporal.client(), "CRASH-2", "alice", Verdict.APPROVE, null, null,
            stack.signer("alice"));
        RecoveryReport report = RecoveryRuns.result(temporal.client(), "CRASH-2");
        assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail() + second.logTail());
      }
      long regular = before.values().stream().filter(v -> v.startsWith("file:")).count();
      assertTrue(partial < regular, "not killed mid-way: " + partial + " of " + regular
          + " regular files were already extracted");
      assertEquals(before, DataFingerprint.tree(uploads));
    }
  }

  @Test
  void killedWhileWaitingForApprovalANewWorkerTakesTheDecisionAndFinishes() throws Exception {
    DrPlan plan = plan("crash_wait", 1, 5);
    Path planFile = stack.planFile(plan, "crash_wait");
    try (WorkerProcess first =
        WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("wait-1.log"))) {
      BackupRuns.await(BackupRuns.startDatabase(temporal.client(), TaskQueues.DR, "test"));
      var before = fingerprint("crash_wait");
      stack.pg.dropDatabase("crash_wait");

      RecoveryWorkflow wf = RecoveryRuns.start(temporal.client(), TaskQueues.DR, "CRASH-3",
          List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "test");
      Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(2));
      first.kill9();
      long killedAt = System.nanoTime();

      try (WorkerProcess second =
          WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("wait-2.log"))) {
        // the Update is accepted once the new worker has replayed the history
        var decision = RecoveryRuns.decide(temporal.client(), "CRASH-3", "alice", Verdict.APPROVE,
            "database-swap", "after the crash", stack.signer("alice"));
        assertEquals("database-swap", decision.step());
        RecoveryReport report = RecoveryRuns.result(temporal.client(), "CRASH-3");
        assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail() + second.logTail());
        System.out.printf("approval crash: recovered %d ms after the kill%n",
            (System.nanoTime() - killedAt) / 1_000_000);
      }
      try (Connection c = stack.pg.connect("crash_wait")) {
        assertEquals(before, DataFingerprint.databaseLike(c, before));
      }
    }
  }

  private static java.util.Map<String, DataFingerprint.Table> fingerprint(String db)
      throws Exception {
    try (Connection c = stack.pg.connect(db)) {
      return DataFingerprint.database(c);
    }
  }

  private static long countFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var s = Files.walk(dir)) {
      return s.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).count();
    } catch (Exception racing) {
      return 0;
    }
  }

  private static void deleteTree(Path root) throws Exception {
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
