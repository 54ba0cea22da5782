package io.drorch.starter.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.common.Json;
import io.drorch.activities.storage.BackupStore;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.starter.TestStack;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.contracts.commands.WriteLeaseInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupLease;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.FileBackupDetails;
import io.drorch.workflows.contracts.values.RetentionResult;
import io.drorch.workflows.contracts.values.StoredBackup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The retention sweep on the real Temporal server and S3: backups past retention go (manifest,
 * data and listing), the newest valid one of each kind stays even when expired, a leased one
 * stays, fresh unreferenced objects, running uploads and keys that are not backup keys are left
 * alone, and a recovery's lease is written and released.
 */
class RetentionEndToEndTest {

  @Test
  void deletesExpiredBackupsButKeepsTheNewestValidOfEachKind() throws Exception {
    TestStack stack = TestStack.get();
    DrPlan plan = stack.samplePlan("retention_app", "retention-e2e");
    try (LocalWorker worker = stack.worker(plan)) {
      sweeps(stack, plan, worker.taskQueue());
    }
  }

  private void sweeps(TestStack stack, DrPlan plan, String queue) throws Exception {
    BackupStore store = stack.clients.store(plan.storage());
    Instant now = Instant.now();

    // files: only expired backups: the newest of them must survive
    BackupManifest files40 = fake(store, plan, BackupKind.FILES, 40, 1);
    BackupManifest files35 = fake(store, plan, BackupKind.FILES, 35, 2);
    // database: a real fresh backup, an expired one, an expired one a running recovery leased
    BackupResult fresh =
        BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), queue, "test"));
    BackupManifest db31 = fake(store, plan, BackupKind.DATABASE, 31, 3);
    BackupManifest db33 = fake(store, plan, BackupKind.DATABASE, 33, 4);
    new StorageActivitiesImpl(stack.clients).writeLease(new WriteLeaseInput(plan.storage(),
        new BackupLease("recovery-INC-E2E", List.of(db33.backupId()), now,
            now.plus(Duration.ofDays(1)), "recovery")));
    // a fresh object no manifest names (an attempt still committing) and a running upload
    String freshOrphan = BackupKeys.dataKey(plan.storage(), BackupKind.DATABASE,
        BackupKeys.newBackupId(BackupKind.DATABASE, now, "00000f"), ".dump", 2);
    store.putIfAbsent(freshOrphan, new byte[] {1, 2, 3}, "application/octet-stream");
    var running = store.openUpload(BackupKeys.folder(plan.storage(), BackupKind.FILES) + "files-y.tar.gz",
        "application/gzip");
    // not a backup key: never deleted
    String notes = BackupKeys.folder(plan.storage(), BackupKind.DATABASE) + "notes.txt";
    store.putIfAbsent(notes, new byte[] {1}, "text/plain");

    RetentionResult r = BackupRuns.startRetention(stack.temporal.client(), queue, "test")
        .getResult(RetentionResult.class);

    assertEquals(List.of(db31.backupId(), files40.backupId()).stream().sorted().toList(),
        r.deletedBackups().stream().sorted().toList());
    assertEquals(List.of(files35.backupId()), r.keptNewestValid());
    assertEquals(List.of(db33.backupId()), r.keptLeased());
    assertEquals(List.of(), r.deletedOrphans(), "a 0-day-old orphan is within the grace period");
    assertEquals(List.of(), r.problems());
    assertEquals(0, r.abortedUploads(), "a running upload is not stale");
    for (BackupManifest gone : List.of(db31, files40)) {
      assertFalse(store.head(gone.dataKey()).isPresent(), gone.dataKey());
      assertFalse(store.head(BackupKeys.manifestKey(plan.storage(), gone.kind(), gone.backupId()))
          .isPresent());
    }
    assertFalse(store.head(files40.files().listingKey()).isPresent());
    assertTrue(store.head(freshOrphan).isPresent());
    assertTrue(store.head(notes).isPresent());
    List<String> left = StorageActivitiesImpl.catalog(store).backups().stream()
        .filter(StoredBackup::valid).map(b -> b.manifest().backupId()).sorted().toList();
    assertEquals(List.of(fresh.backupId(), files35.backupId(), db33.backupId()).stream().sorted()
        .toList(), left);
    assertEquals(1, stack.clients.client(plan.storage()).listMultipartUploads(
        b -> b.bucket(plan.storage().bucket())).uploads().size());
    running.abort();
  }

  private static BackupManifest fake(BackupStore store, DrPlan plan, BackupKind kind, int ageDays,
      int n) {
    Instant startedAt = Instant.now().minus(Duration.ofDays(ageDays));
    String id = BackupKeys.newBackupId(kind, startedAt, String.format("%06x", n));
    String ext = kind == BackupKind.DATABASE ? ".dump" : ".tar.gz";
    String dataKey = BackupKeys.dataKey(plan.storage(), kind, id, ext, 1);
    byte[] data = (id + " data").getBytes(StandardCharsets.UTF_8);
    store.putIfAbsent(dataKey, data, "application/octet-stream");
    FileBackupDetails files = null;
    if (kind == BackupKind.FILES) {
      String listingKey = BackupKeys.listingKey(plan.storage(), id, 1);
      store.putIfAbsent(listingKey, "{}\n".getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
      files = new FileBackupDetails("/u", listingKey, "x", 1, data.length);
    }
    BackupManifest m = new BackupManifest(1, id, kind, "app", dataKey, "f", data.length, "x",
        startedAt, startedAt.plusSeconds(5), "wf", null, files);
    store.putIfAbsent(BackupKeys.manifestKey(plan.storage(), kind, id), Json.bytes(m),
        "application/json");
    return m;
  }
}
