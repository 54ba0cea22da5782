package io.drorch.starter.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.report.StoredDrills;
import io.drorch.local.LocalTemporal;
import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.WorkerProcess;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.DrillSettings;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.VerifyByRestore;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.DrillPart;
import io.drorch.workflows.contracts.values.DrillReport;
import io.drorch.workflows.contracts.values.NotificationRecord;
import io.drorch.workflows.contracts.values.RestoreTestOutcome;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.restoretest.ScratchTargets;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DR drills on the real Temporal dev server, PostgreSQL and S3 with the worker's real activities:
 * the newest backups restored into scratch, migrated and checked, RTO/RPO measured, a report in
 * S3; nothing live touched (fingerprints before and after), even when the worker is killed
 * halfway; a corrupt newest backup fails the drill loudly and keeps the scratch for inspection.
 */
class DrillEndToEndTest {

  private DrPlan plan(TestStack stack, String name, int scale, int files) throws Exception {
    SampleApplication.createDatabase(stack.pg, name, scale);
    Path uploads = stack.dir.resolve("uploads-" + name);
    SampleApplication.createUploads(uploads, files);
    String bucket = name.replace('_', '-');
    stack.s3.createBucket(bucket);
    String migrations = "filesystem:" + SampleApplication.migrationsDir() + ",filesystem:"
        + SampleApplication.pendingMigrationsDir();
    DrPlan p = stack.plan(new io.drorch.workflows.contracts.plan.DatabaseTarget(stack.pg.host(),
            stack.pg.port(), name, stack.pg.superuser(), migrations, "gzip"),
        new FilesTarget(uploads.toString()), stack.storage(bucket));
    return stack.withWorkDir(p, name, List.of("SELECT count(*) > 0 FROM users"))
        .withDrills(new DrillSettings(List.of("database", "files"), Duration.ofDays(7),
            VerifyByRestore.OFF));
  }

  @Test
  void drillRestoresBothKindsIntoScratchReportsRtoRpoAndTouchesNothingLive() throws Exception {
    TestStack stack = TestStack.get();
    DrPlan plan = plan(stack, "drill_ok", 1, 30);
    Path uploads = Path.of(plan.files().uploadsDir());
    try (LocalWorker worker = stack.worker(plan)) {
      var client = stack.temporal.client();
      BackupRuns.await(BackupRuns.startDatabase(client, worker.taskQueue(), "test"));
      BackupRuns.await(BackupRuns.startFiles(client, worker.taskQueue(), "test"));
      var dbBefore = db(stack, "drill_ok");
      var filesBefore = DataFingerprint.tree(uploads);

      WorkflowStub run = DrillRuns.start(client, worker.taskQueue(), "drill-ok-1",
          List.of(), "test");
      DrillReport r = DrillRuns.report(run).orElseThrow();

      assertTrue(r.passed(), r.problems().toString());
      assertEquals(List.of("database", "files"), r.scope());
      assertEquals(2, r.parts().size());
      for (DrillPart p : r.parts()) {
        assertTrue(p.passed(), p.toString());
        assertNotNull(p.backupId());
        assertTrue(p.restoredAndVerifiedIn().compareTo(r.rtoAchieved()) <= 0, p.toString());
        assertTrue(p.rpoAchieved().compareTo(Duration.ZERO) > 0, p.toString());
      }
      DrillPart database = r.parts().get(0);
      assertEquals(ScratchTargets.databaseName("drill_ok", "ok-1"), database.scratch());
      assertTrue(database.details().stream().anyMatch(d -> d.contains("applied migrations")),
          database.details().toString());
      assertTrue(database.details().stream().anyMatch(d -> d.startsWith("integrity verified")),
          database.details().toString());
      assertEquals(uploads + ".drill-ok-1", r.parts().get(1).scratch());
      assertEquals(Duration.ofHours(4), r.rtoObjective());
      assertTrue(r.rtoAchieved().compareTo(Duration.ZERO) > 0
          && r.rtoAchieved().compareTo(Duration.between(r.startedAt(), r.finishedAt())) <= 0);
      assertEquals(Duration.ofHours(1), r.rpoObjective().get("database"));
      assertEquals(Duration.ofHours(24), r.rpoObjective().get("files"));
      assertTrue(r.rpoAchieved().get("database").compareTo(Duration.ofMinutes(10)) < 0);
      assertNull(r.scratchKeptUntil());
      // nothing live touched; the scratch targets are gone
      assertEquals(dbBefore, db(stack, "drill_ok"));
      assertEquals(filesBefore, DataFingerprint.tree(uploads));
      assertFalse(databaseExists(stack, database.scratch()), "scratch database removed");
      assertFalse(Files.exists(Path.of(r.parts().get(1).scratch())), "scratch directory removed");
      // the report, where `dr drills list` and `dr plan render` read it
      var store = stack.clients.store(plan.storage());
      assertEquals(BackupKeys.drillReportKey(plan.storage(), "drill-ok-1", "drill-report.md"),
          r.markdownKey());
      String md = new String(store.readSmall(r.markdownKey()).orElseThrow());
      assertTrue(md.startsWith("# DR drill drill-ok-1: PASSED"), md);
      assertTrue(md.contains("| RTO (start → restored and verified) | 4h |"), md);
      var listed = new StoredDrills(store).list(10);
      assertEquals(1, listed.size());
      assertEquals(r, listed.get(0).report());
      // the drill proved both backups restorable: their write-once markers say so
      var catalog = io.drorch.activities.storage.StorageActivitiesImpl.catalog(store);
      assertEquals(2, catalog.backups().stream().filter(StoredBackup::verifiedByRestore).count());
    }
  }

  @Test
  void corruptNewestBackupFailsTheDrillLoudlyEscalatesAndKeepsScratchUntilCleanedUp()
      throws Exception {
    TestStack stack = TestStack.get();
    DrPlan plan = plan(stack, "drill_bad", 1, 5).withDrills(new DrillSettings(
        List.of("database"), Duration.ofDays(7), VerifyByRestore.OFF));
    try (LocalWorker worker = stack.worker(plan)) {
      var client = stack.temporal.client();
      BackupRuns.await(BackupRuns.startDatabase(client, worker.taskQueue(), "test"));
      BackupRuns.await(BackupRuns.startDatabase(client, worker.taskQueue(), "test"));
      var store = stack.clients.store(plan.storage());
      var catalog = io.drorch.activities.storage.StorageActivitiesImpl.catalog(store);
      var newest = catalog.backups().get(0).manifest();
      // same size, other bytes: the listing still calls it valid, its SHA-256 does not match
      byte[] garbage = new byte[(int) newest.sizeBytes()];
      java.util.Arrays.fill(garbage, (byte) 7);
      store.put(newest.dataKey(), garbage, "application/octet-stream");
      var dbBefore = db(stack, "drill_bad");

      WorkflowStub run = DrillRuns.start(client, worker.taskQueue(), "drill-bad-1", List.of(),
          "test");
      WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
          () -> run.getResult(DrillReport.class));
      assertTrue(String.valueOf(failed.getCause().getMessage()).contains("FAILED"),
          failed.getCause().getMessage());
      DrillReport r = DrillRuns.report(run).orElseThrow();

      assertFalse(r.passed());
      assertEquals(newest.backupId(), r.parts().get(0).backupId(), "no fallback: the newest");
      assertTrue(r.problems().get(0).contains(newest.backupId() + " FAILED_RESTORE"),
          r.problems().toString());
      List<NotificationRecord> sent = r.notifications();
      assertTrue(sent.stream().anyMatch(n -> n.event().equals("drill-failed") && n.level() == 1
          && n.delivered()), sent.toString());
      assertTrue(sent.stream().anyMatch(n -> n.event().equals("drill-failed-escalated")
          && n.level() == 2), sent.toString());
      assertNotNull(r.scratchKeptUntil());
      assertEquals(dbBefore, db(stack, "drill_bad"));
      var marked = io.drorch.activities.storage.StorageActivitiesImpl.catalog(store).backups()
          .get(0);
      assertEquals(RestoreTestOutcome.FAILED_RESTORE, marked.verification().outcome());
      assertTrue(new String(store.readSmall(r.markdownKey()).orElseThrow())
          .contains("Kept for inspection until"));

      // dr drill cleanup: the kept scratch goes now, not in a week
      WorkflowStub cleanup = DrillRuns.cleanup(client, worker.taskQueue(), "drill-bad-1", "test");
      cleanup.getResult(List.class);
      assertFalse(databaseExists(stack, ScratchTargets.databaseName("drill_bad", "bad-1")));
      assertEquals(dbBefore, db(stack, "drill_bad"));
    }
  }

  @Test
  void workerKilledDuringTheDrillsPgRestoreLiveUnchangedAndANewWorkerFinishes() throws Exception {
    TestStack stack = TestStack.get();
    try (LocalTemporal temporal = LocalTemporal.startRealServer(
        stack.dir.resolve("drill-crash-temporal"))) {
      DrPlan plan = plan(stack, "drill_crash", 25, 200);
      Path uploads = Path.of(plan.files().uploadsDir());
      Path planFile = stack.planFile(plan, "drill_crash");
      Path logs = stack.dir.resolve("drill-crash-logs");
      String scratchDb = ScratchTargets.databaseName("drill_crash", "crash-1");
      var dbBefore = db(stack, "drill_crash");
      var filesBefore = DataFingerprint.tree(uploads);
      WorkflowStub run;
      try (WorkerProcess first = WorkerProcess.start(temporal.target(), stack, planFile,
          logs.resolve("1.log"))) {
        BackupRuns.await(BackupRuns.startDatabase(temporal.client(), TaskQueues.DR, "test"));
        BackupRuns.await(BackupRuns.startFiles(temporal.client(), TaskQueues.DR, "test"));
        run = DrillRuns.start(temporal.client(), TaskQueues.DR, "drill-crash-1", List.of(),
            "test");
        Waits.await("pg_restore into " + scratchDb + " running", Duration.ofMinutes(2),
            () -> Waits.processRunning("pg_restore", scratchDb));
        first.kill9();
      }
      assertEquals(dbBefore, db(stack, "drill_crash"), "killed halfway: live untouched");
      assertEquals(filesBefore, DataFingerprint.tree(uploads));
      try (WorkerProcess second = WorkerProcess.start(temporal.target(), stack, planFile,
          logs.resolve("2.log"))) {
        DrillReport r = DrillRuns.report(run).orElseThrow();
        assertTrue(r.passed(), r.problems() + second.logTail());
      }
      assertEquals(dbBefore, db(stack, "drill_crash"));
      assertEquals(filesBefore, DataFingerprint.tree(uploads));
      assertFalse(databaseExists(stack, scratchDb));
    }
  }

  static Map<String, DataFingerprint.Table> db(TestStack stack, String name) throws Exception {
    try (Connection c = stack.pg.connect(name)) {
      return DataFingerprint.database(c);
    }
  }

  static boolean databaseExists(TestStack stack, String name) throws Exception {
    try (Connection c = stack.pg.connect("postgres");
        var ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
