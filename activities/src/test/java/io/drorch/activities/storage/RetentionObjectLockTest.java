package io.drorch.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.common.Json;
import io.drorch.local.LocalMoto;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.contracts.plan.ObjectLockSettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.RetentionResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/**
 * Object Lock honoured by the retention sweep, on moto (S3Proxy's filesystem backend has no
 * Object Lock): a backup an object of which is still locked is skipped and reported, and the sweep
 * never even asks to delete it (no delete marker appears); once the retention date has passed,
 * the backup is deleted. The bucket is made by {@code dr storage init}'s own {@link StorageSetup}.
 */
class RetentionObjectLockTest {
  static final String BUCKET = "locked-backups";
  @TempDir static Path tmp;
  static LocalMoto moto;
  static SweepHarness h;
  static StorageTarget bucket;
  StorageTarget st;

  @BeforeAll
  static void start() throws Exception {
    moto = LocalMoto.start(tmp);
    bucket = target("ai-docs");
    h = new SweepHarness(moto.credentials());
    List<StorageSetup.Step> steps = StorageSetup.init(h.clients.client(bucket), bucket);
    assertTrue(steps.stream().noneMatch(s -> s.outcome() == StorageSetup.Outcome.FAILED),
        steps.toString());
  }

  static StorageTarget target(String prefix) {
    return new StorageTarget(BUCKET, prefix, LocalMoto.REGION, moto.endpoint(), true, 30, true,
        30, 1, new ObjectLockSettings(io.drorch.workflows.contracts.plan.ObjectLockMode.GOVERNANCE, 2));
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void aLockedBackupIsSkippedAndReportedUntilItsRetainUntilDateThenDeleted() throws Exception {
    st = target("sweep");
    BackupStore store = h.clients.store(st);
    S3Client s3 = h.clients.client(st);
    Instant now = h.now();
    BackupManifest newest = SweepHarness.backup(store, BackupKind.DATABASE, now, Duration.ofDays(1), 1);
    // expired, but under the bucket's default retention (2 days from now, real time)
    BackupManifest lockedForDays =
        SweepHarness.backup(store, BackupKind.DATABASE, now, Duration.ofDays(40), 2);
    // expired, written with a retention of its own that ends in a few seconds
    Instant shortly = Instant.now().plusSeconds(8);
    BackupManifest lockedBriefly = briefly(s3, BackupKind.DATABASE, now.minus(Duration.ofDays(45)),
        3, shortly);

    RetentionResult first = h.sweep(st);

    assertEquals(List.of(), first.deletedBackups());
    assertEquals(Set.of(lockedForDays.backupId(), lockedBriefly.backupId()), first.keptLocked()
        .stream().map(s -> s.substring(0, s.indexOf(' '))).collect(Collectors.toSet()));
    assertTrue(first.keptLocked().stream().allMatch(s -> s.contains("Object Lock, GOVERNANCE until")),
        first.keptLocked().toString());
    assertEquals(0, s3.listObjectVersions(b -> b.bucket(BUCKET)).deleteMarkers().size(),
        "the sweep never asked to delete a locked object");
    for (BackupManifest m : List.of(newest, lockedForDays, lockedBriefly)) {
      assertTrue(SweepHarness.intact(store, m), m.backupId());
    }

    while (Instant.now().isBefore(shortly.plusSeconds(1))) {
      Thread.sleep(200);
    }
    RetentionResult second = h.sweep(st);

    assertEquals(List.of(lockedBriefly.backupId()), second.deletedBackups());
    assertTrue(SweepHarness.gone(store, lockedBriefly));
    assertTrue(SweepHarness.intact(store, lockedForDays));
    assertTrue(SweepHarness.intact(store, newest));
    // versioned: the deleted backup's versions stay until the lifecycle rule expires them
    assertFalse(s3.listObjectVersions(b -> b.bucket(BUCKET)).deleteMarkers().isEmpty());
  }

  @Test
  void aStreamedUploadIntoTheLockedBucketWorksAndCountsAsLocked() throws Exception {
    st = target("upload");
    BackupStore store = h.clients.store(st);
    String key = BackupKeys.dataKey(st, BackupKind.FILES,
        SweepHarness.id(BackupKind.FILES, Instant.now(), 77), ".tar.gz", 1);
    byte[] chunk = new byte[1024 * 1024];
    new java.util.Random(1).nextBytes(chunk);
    UploadedObject up;
    try (HashingUpload upload = store.openUpload(key, "application/gzip")) {
      for (int i = 0; i < 20; i++) {
        upload.write(chunk);
      }
      up = upload.complete();
    }
    assertEquals(20L * chunk.length, up.sizeBytes());

    // S3 gives a completed multipart upload the bucket's default retention; moto 5.2.5 does not
    // return one for it, and then the sweep takes the bucket's default as the object's lock
    var locked = ObjectLocks.find(h.clients.client(st), st, List.of(key), Instant.now());
    assertEquals(1, locked.size());
    assertEquals("GOVERNANCE", locked.get(0).mode());
    assertTrue(locked.get(0).retainUntil().isAfter(Instant.now().plus(Duration.ofDays(1))),
        locked.get(0).toString());
  }

  /** A backup whose objects carry their own (short) retention instead of the bucket's default. */
  private BackupManifest briefly(S3Client s3, BackupKind kind, Instant startedAt, int n,
      Instant until) {
    String id = SweepHarness.id(kind, startedAt, n);
    String dataKey = BackupKeys.dataKey(st, kind, id, ".dump", 1);
    byte[] data = SweepHarness.content(id);
    BackupManifest m = new BackupManifest(1, id, kind, "app", dataKey, "f", data.length, "x",
        startedAt, startedAt.plusSeconds(5), "wf", null, null);
    for (var e : List.of(java.util.Map.entry(dataKey, data), java.util.Map.entry(
        BackupKeys.manifestKey(st, kind, id), Json.bytes(m)))) {
      s3.putObject(b -> b.bucket(BUCKET).key(e.getKey()).checksumAlgorithm(ChecksumAlgorithm.CRC32)
              .objectLockMode(ObjectLockMode.GOVERNANCE).objectLockRetainUntilDate(until),
          RequestBody.fromBytes(e.getValue()));
    }
    return m;
  }
}
