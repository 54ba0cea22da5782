package io.drorch.starter.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.recovery.Names;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Recoveries end to end on the real Temporal dev server, PostgreSQL and S3, with the worker's real
 * activities: after a disaster the data is back exactly as backed up, pending migrations applied,
 * the previous database and directory kept, the live data untouched until approval.
 */
class RecoveryEndToEndTest {
  static final List<RecoveryScope> DATA = List.of(RecoveryScope.DATABASE, RecoveryScope.FILES);

  private DrPlan plan(TestStack stack, String name) throws Exception {
    DrPlan base = stack.samplePlan(name, name.replace('_', '-'));
    String migrations = "filesystem:" + SampleApplication.migrationsDir() + ",filesystem:"
        + SampleApplication.pendingMigrationsDir();
    return stack.withWorkDir(base.withDatabase(base.database().withMigrations(migrations)), name,
        List.of("SELECT count(*) > 0 FROM users"));
  }

  private static Map<String, DataFingerprint.Table> db(TestStack stack, String name)
      throws Exception {
    try (Connection c = stack.pg.connect(name)) {
      return DataFingerprint.database(c);
    }
  }

  @Test
  void recoversDatabaseAndUploadsExactlyAndKeepsWhatWasThere() throws Exception {
    TestStack stack = TestStack.get();
    DrPlan plan = plan(stack, "e2e_full");
    try (LocalWorker worker = stack.worker(plan)) {
      recoversDatabaseAndUploads(stack, plan, worker.taskQueue());
    }
  }

  private void recoversDatabaseAndUploads(TestStack stack, DrPlan plan, String queue)
      throws Exception {
    Path uploads = Path.of(plan.files().uploadsDir());
    BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), queue, "test"));
    BackupRuns.await(BackupRuns.startFiles(stack.temporal.client(), queue, "test"));
    var dbAtBackup = db(stack, "e2e_full");
    var filesAtBackup = DataFingerprint.tree(uploads);

    // the disaster: rows lost, files lost
    try (Connection c = stack.pg.connect("e2e_full")) {
      c.createStatement().execute("DELETE FROM messages WHERE id % 2 = 0");
    }
    try (var s = Files.walk(uploads)) {
      for (Path p : s.filter(Files::isRegularFile).limit(10).toList()) {
        Files.delete(p);
      }
    }
    var dbDamaged = db(stack, "e2e_full");
    var filesDamaged = DataFingerprint.tree(uploads);
    assertNotEquals(dbAtBackup, dbDamaged);

    RecoveryWorkflow wf = RecoveryRuns.start(stack.temporal.client(), queue, "E2E-1", DATA,
        Tier.CRITICAL, null, null, "test");
    Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(2));
    Waits.pending(wf, "files-swap", 0, Duration.ofMinutes(2));
    // restored and verified, not yet approved: the live data is untouched
    assertEquals(dbDamaged, db(stack, "e2e_full"));
    assertEquals(filesDamaged, DataFingerprint.tree(uploads));
    // while it runs, its candidate backups are leased: no retention sweep deletes them
    var store = stack.clients.store(plan.storage());
    String leaseKey = io.drorch.workflows.backup.BackupKeys.leaseKey(plan.storage(), "recovery-E2E-1");
    var leases = io.drorch.activities.storage.StorageActivitiesImpl.leases(store).leases();
    assertEquals(1, leases.size(), leases.toString());
    assertEquals("recovery-E2E-1", leases.get(0).holder());
    assertEquals(2, leases.get(0).backupIds().size(), leases.toString());

    RecoveryRuns.decide(stack.temporal.client(), "E2E-1", "alice", Verdict.APPROVE,
        "database-swap", "verified", stack.signer("alice"));
    RecoveryRuns.decide(stack.temporal.client(), "E2E-1", "alice", Verdict.APPROVE,
        "files-swap", null, stack.signer("alice"));
    RecoveryReport report = RecoveryRuns.result(stack.temporal.client(), "E2E-1");

    assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
    assertTrue(store.head(leaseKey).isEmpty(), "the lease is released at the end");
    try (Connection c = stack.pg.connect("e2e_full")) {
      assertEquals(dbAtBackup, DataFingerprint.databaseLike(c, dbAtBackup));
      assertTrue(c.getMetaData().getTables(null, "public", "message_feedback", null).next(),
          "pending migration V3 applied");
    }
    assertEquals(filesAtBackup, DataFingerprint.tree(uploads));
    assertEquals(dbDamaged, db(stack, Names.database("e2e_full", "_pre_", "E2E-1")), "the previous database is kept");
    assertEquals(filesDamaged, DataFingerprint.tree(Path.of(Names.directory(uploads.toString(), ".pre-", "E2E-1"))),
        "the previous directory is kept");
    assertEquals(2, report.decisions().size());
    assertTrue(report.markdownKey().endsWith(".md"), report.markdownKey());
    assertTrue(stack.clients.store(plan.storage()).head(report.markdownKey()).isPresent());
    assertTrue(report.rpoAchieved().get("database").compareTo(Duration.ofMinutes(10)) < 0);
  }

  @Test
  void corruptNewestBackupIsDetectedAndThePreviousValidOneIsUsed() throws Exception {
    TestStack stack = TestStack.get();
    DrPlan plan = plan(stack, "e2e_corrupt");
    try (LocalWorker worker = stack.worker(plan)) {
      corruptNewest(stack, plan, worker.taskQueue());
    }
  }

  private void corruptNewest(TestStack stack, DrPlan plan, String queue) throws Exception {
    BackupResult first =
        BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), queue, "test"));
    var dbAtFirstBackup = db(stack, "e2e_corrupt");
    try (Connection c = stack.pg.connect("e2e_corrupt")) {
      c.createStatement().execute("DELETE FROM messages WHERE id % 3 = 0");
    }
    // ids and workflow ids carry the start second: the next backup starts in a later one
    long firstSecond = first.startedAt().getEpochSecond();
    Waits.await("a second later than the first backup", Duration.ofSeconds(10),
        () -> java.time.Instant.now().getEpochSecond() > firstSecond);
    BackupResult newest =
        BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), queue, "test"));
    flipOneByte(stack, plan, newest.dataKey());
    stack.pg.dropDatabase("e2e_corrupt");

    RecoveryWorkflow wf = RecoveryRuns.start(stack.temporal.client(), queue, "E2E-2",
        List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "test");
    Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(2));
    RecoveryRuns.decide(stack.temporal.client(), "E2E-2", "dana", Verdict.APPROVE, null, null,
        stack.signer("dana"));
    RecoveryReport report = RecoveryRuns.result(stack.temporal.client(), "E2E-2");

    assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
    assertNotEquals(newest.backupId(), report.backups().get(0).backupId());
    assertTrue(report.backups().get(0).rejected().get(0).startsWith(newest.backupId()),
        report.backups().get(0).rejected().toString());
    try (Connection c = stack.pg.connect("e2e_corrupt")) {
      assertEquals(dbAtFirstBackup, DataFingerprint.databaseLike(c, dbAtFirstBackup));
    }
    try (Connection c = stack.pg.connect("postgres")) {
      assertFalse(c.createStatement().executeQuery(
              "SELECT 1 FROM pg_database WHERE datname = '"
                  + Names.database("e2e_corrupt", "_pre_", "E2E-2") + "'").next(),
          "the dropped database left nothing to keep");
    }
  }

  @Test
  void rejectionLeavesTheLiveDatabaseAsItWas() throws Exception {
    TestStack stack = TestStack.get();
    DrPlan plan = plan(stack, "e2e_reject");
    try (LocalWorker worker = stack.worker(plan)) {
      rejects(stack, worker.taskQueue());
    }
  }

  private void rejects(TestStack stack, String queue) throws Exception {
    BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), queue, "test"));
    try (Connection c = stack.pg.connect("e2e_reject")) {
      c.createStatement().execute("DELETE FROM messages WHERE id % 5 = 0");
    }
    var live = db(stack, "e2e_reject");
    RecoveryWorkflow wf = RecoveryRuns.start(stack.temporal.client(), queue, "E2E-3",
        List.of(RecoveryScope.DATABASE), Tier.NON_CRITICAL, null, null, "test");
    Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(2));
    RecoveryRuns.decide(stack.temporal.client(), "E2E-3", "alice", Verdict.REJECT, null, "no",
        stack.signer("alice"));
    RecoveryReport report = RecoveryRuns.result(stack.temporal.client(), "E2E-3");

    assertEquals(Outcome.ABORTED, report.outcome());
    assertEquals(live, db(stack, "e2e_reject"));
  }

  private static void flipOneByte(TestStack stack, DrPlan plan, String key) throws Exception {
    var store = stack.clients.store(plan.storage());
    byte[] data;
    try (var in = store.open(key)) {
      data = in.readAllBytes();
    }
    data[data.length / 2] ^= 0x01;
    stack.clients.client(plan.storage()).putObject(
        b -> b.bucket(plan.storage().bucket()).key(key), RequestBody.fromBytes(data));
  }
}
