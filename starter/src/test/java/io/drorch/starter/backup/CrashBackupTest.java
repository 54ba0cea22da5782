package io.drorch.starter.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.postgres.PgTools;
import io.drorch.activities.storage.BackupVerifier;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.local.LocalTemporal;
import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.WorkerProcess;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.VerifyBackupResult;
import io.temporal.client.WorkflowStub;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the worker while pg_dump streams a database backup into S3: a new worker finishes
 * the backup, and the half-uploaded first attempt never counts as a backup. Runs on its own
 * Temporal dev server, so only the worker processes started here poll it.
 */
class CrashBackupTest {
  static final String DB = "crash_bk";
  static TestStack stack;
  static LocalTemporal temporal;
  static Path logs;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    temporal = LocalTemporal.startRealServer(stack.dir.resolve("crash-backup-temporal"));
    logs = stack.dir.resolve("crash-backup-logs");
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  @Test
  void killedDuringPgDumpUploadANewWorkerFinishesOneValidRestorableBackup() throws Exception {
    // scale 25: a ~67 MB custom-format dump that takes pg_dump several seconds
    SampleApplication.createDatabase(stack.pg, DB, 25);
    String bucket = "crash-bk";
    stack.s3.createBucket(bucket);
    DrPlan plan = stack.plan(
        new DatabaseTarget(stack.pg.host(), stack.pg.port(), DB, stack.pg.superuser(), null, "gzip"),
        new FilesTarget(stack.dir.resolve("uploads-" + DB).toString()), stack.storage(bucket));
    Map<String, DataFingerprint.Table> before;
    try (Connection c = stack.pg.connect(DB)) {
      before = DataFingerprint.database(c);
    }

    long t0 = System.nanoTime();
    WorkflowStub run;
    Path planFile = stack.planFile(plan, "crash_bk");
    try (WorkerProcess first =
        WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("backup-1.log"))) {
      run = BackupRuns.startDatabase(temporal.client(), TaskQueues.DR, "test");
      Waits.await("pg_dump of " + DB + " running", Duration.ofMinutes(2),
          () -> Waits.processRunning("pg_dump", DB));
      // killed once at least one 16 MiB part is in the multipart upload
      var s3 = stack.clients.client(plan.storage());
      Waits.await("a part uploaded into the dump's multipart upload", Duration.ofMinutes(2),
          () -> s3.listMultipartUploads(b -> b.bucket(bucket).prefix(plan.storage().prefix()))
              .uploads().stream().anyMatch(u -> !s3.listParts(p -> p.bucket(bucket).key(u.key())
                  .uploadId(u.uploadId())).parts().isEmpty()));
      first.kill9(); // pg_dump then dies on its broken pipe
    }
    long killedAt = System.nanoTime();

    BackupResult result;
    try (WorkerProcess second =
        WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve("backup-2.log"))) {
      result = BackupRuns.await(run);
    }
    long doneAt = System.nanoTime();
    System.out.printf("backup crash: killed after %d ms, second worker finished %d ms later%n",
        (killedAt - t0) / 1_000_000, (doneAt - killedAt) / 1_000_000);

    // exactly one valid backup; its data is a retry's object, not the killed attempt's key
    var store = stack.clients.store(plan.storage());
    BackupCatalog catalog = StorageActivitiesImpl.catalog(store);
    List<StoredBackup> valid = catalog.backups().stream()
        .filter(b -> b.state() == StoredBackup.DataState.PRESENT).toList();
    assertEquals(1, valid.size(), "backups: " + catalog.backups());
    assertEquals(1, catalog.backups().size(), "backups: " + catalog.backups());
    StoredBackup backup = valid.get(0);
    assertEquals(result.backupId(), backup.manifest().backupId());
    String killedKey = BackupKeys.dataKey(plan.storage(), BackupKind.DATABASE, result.backupId(),
        ".dump", 1);
    assertNotEquals(killedKey, backup.manifest().dataKey());
    assertTrue(backup.manifest().dataKey().contains(".attempt"), backup.manifest().dataKey());
    // the killed attempt never became a listed object, or at most an unreferenced orphan
    boolean killedIsObject = store.head(killedKey).isPresent();
    assertTrue(!killedIsObject
            || catalog.orphans().stream().anyMatch(o -> o.key().equals(killedKey)),
        "killed attempt " + killedKey + " is an object but not an orphan: " + catalog);
    var uploads = stack.clients.client(plan.storage()).listMultipartUploads(
        b -> b.bucket(bucket).prefix(plan.storage().prefix())).uploads();
    System.out.printf("killed attempt: object=%s, open multipart uploads=%s%n", killedIsObject,
        uploads.stream().map(u -> u.key()).toList());
    // pg_dump ran, so the first attempt had opened its upload: it stays open (never completed)
    // until the retention sweep aborts stale uploads
    assertTrue(uploads.stream().anyMatch(u -> u.key().equals(killedKey)),
        "no open multipart upload for " + killedKey + ": " + uploads);
    // the retention sweep's step, on the real S3 server: uploads older than its cut-off are
    // aborted (the sweep's cut-off is a day; here "now", so the killed attempt's upload is stale)
    int aborted = new StorageActivitiesImpl(stack.clients).abortStaleUploads(
        new io.drorch.workflows.contracts.commands.AbortUploadsInput(plan.storage(),
            java.time.Instant.now().plusSeconds(1)));
    assertTrue(aborted >= 1, "aborted " + aborted);
    assertTrue(stack.clients.client(plan.storage()).listMultipartUploads(
            b -> b.bucket(bucket).prefix(plan.storage().prefix())).uploads().isEmpty(),
        "an upload survived the sweep");
    assertEquals(result.backupId(), StorageActivitiesImpl.catalog(store).backups().get(0)
        .manifest().backupId(), "the committed backup is untouched");

    // it verifies (size + SHA-256 re-read from storage) ...
    VerifyBackupResult verified = new BackupVerifier(store, n -> { }).verify(result.backupId());
    assertTrue(verified.valid(), verified.problem());
    assertNull(verified.problem());

    // ... and restores to the same data
    Path file = stack.dir.resolve(result.backupId() + ".dump");
    try (InputStream in = store.open(backup.manifest().dataKey())) {
      Files.copy(in, file);
    }
    String restored = DB + "_restored";
    stack.pg.dropDatabase(restored);
    stack.pg.createDatabase(restored);
    PgTools.Output out = PgTools.run(List.of("pg_restore", "--exit-on-error", "-d", restored,
        file.toString()), stack.pg.clientEnv(), Duration.ofMinutes(3));
    assertEquals(0, out.exitCode(), out.stderr());
    try (Connection c = stack.pg.connect(restored)) {
      assertEquals(before, DataFingerprint.database(c));
    }
    Files.delete(file);
    stack.pg.dropDatabase(restored);
  }
}
