package io.drorch.activities.storage;

import static io.drorch.activities.storage.SweepHarness.backup;
import static io.drorch.activities.storage.SweepHarness.gone;
import static io.drorch.activities.storage.SweepHarness.intact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.ActivityTestBase;
import io.drorch.activities.common.Json;
import io.drorch.activities.storage.FaultInjector.Fault;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.ReleaseLeaseInput;
import io.drorch.workflows.contracts.commands.WriteLeaseInput;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupLease;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.RetentionResult;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The retention sweep against a real S3 server (S3Proxy) with real storage activities, on the
 * cases of issue 8: a read error deletes nothing, a crafted manifest deletes nothing, nothing but
 * a backup key is ever deleted, leases and restore-verified markers keep backups. Each of these
 * fails on the sweep as it was (which turned unreadable manifests into orphans and deleted
 * whatever a manifest named).
 */
class RetentionSweepTest extends ActivityTestBase {
  static final String BUCKET = "retention-sweep";
  static SweepHarness h;

  StorageTarget st;
  BackupStore store;
  Instant now;

  @BeforeAll
  static void harness() {
    s3.createBucket(BUCKET);
    h = new SweepHarness(s3.credentials());
  }

  @AfterAll
  static void close() {
    h.close();
  }

  @BeforeEach
  void fresh(TestInfo test) {
    st = storage(BUCKET, test.getTestMethod().orElseThrow().getName());
    store = clients.store(st);
    now = h.now();
    h.faults.clear();
    h.notified.clear();
  }

  private BackupManifest backup(BackupKind kind, int ageDays, int n) {
    return SweepHarness.backup(store, kind, now, Duration.ofDays(ageDays), n);
  }

  private static ApplicationFailure failure(WorkflowFailedException e) {
    return assertInstanceOf(ApplicationFailure.class, e.getCause());
  }

  @Test
  void aTruncatedManifestBodyAbortsTheSweepAndDeletesNothing() {
    BackupManifest newest = backup(BackupKind.DATABASE, 1, 1);
    BackupManifest expired = backup(BackupKind.DATABASE, 40, 2);
    BackupManifest alsoExpired = backup(BackupKind.DATABASE, 45, 3);
    h.faults.failEveryGetOf(BackupKeys.manifestKey(st, BackupKind.DATABASE, expired.backupId()),
        Fault.TRUNCATE);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> h.sweep(st));

    assertEquals(DrError.RETENTION_ABORTED.name(), failure(e).getType());
    assertTrue(failure(e).getOriginalMessage().contains("Nothing was deleted"),
        failure(e).getOriginalMessage());
    assertTrue(failure(e).getOriginalMessage().contains("bytes, the listing says"),
        failure(e).getOriginalMessage());
    for (BackupManifest m : List.of(newest, expired, alsoExpired)) {
      assertTrue(intact(store, m), m.backupId() + " must be untouched");
    }
    assertEquals(List.of("retention-aborted"), h.events());

    // once the fault is gone, the next sweep does its job
    h.faults.clear();
    RetentionResult r = h.sweep(st);
    assertEquals(List.of(alsoExpired.backupId(), expired.backupId()).stream().sorted().toList(),
        r.deletedBackups().stream().sorted().toList());
    assertTrue(intact(store, newest));
  }

  @Test
  void aConnectionThatKeepsDroppingOnAManifestAbortsTheSweepAndDeletesNothing() {
    BackupManifest newest = backup(BackupKind.FILES, 1, 1);
    BackupManifest expired = backup(BackupKind.FILES, 40, 2);
    String orphan = BackupKeys.dataKey(st, BackupKind.FILES, SweepHarness.id(BackupKind.FILES,
        now.minus(Duration.ofDays(5)), 9), ".tar.gz", 2);
    store.putIfAbsent(orphan, new byte[] {1}, "application/gzip");
    h.faults.failEveryGetOf(BackupKeys.manifestKey(st, BackupKind.FILES, expired.backupId()),
        Fault.RESET_BEFORE);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> h.sweep(st));

    assertEquals(DrError.RETENTION_ABORTED.name(), failure(e).getType());
    assertTrue(intact(store, newest));
    assertTrue(intact(store, expired));
    assertTrue(store.head(orphan).isPresent(), "not even an orphan is deleted");
    assertTrue(h.faults.injected().size() >= 5, h.faults.injected().toString());
  }

  @Test
  void aMalformedManifestIsReportedAndEveryObjectOfItsBackupKept() {
    BackupManifest newest = backup(BackupKind.DATABASE, 1, 1);
    BackupManifest expired = backup(BackupKind.DATABASE, 40, 2);
    BackupManifest broken = backup(BackupKind.DATABASE, 50, 3);
    String brokenKey = BackupKeys.manifestKey(st, BackupKind.DATABASE, broken.backupId());
    h.clients.client(st).deleteObject(b -> b.bucket(BUCKET).key(brokenKey));
    store.putIfAbsent(brokenKey, "{\"backupId\": \"half a manif".getBytes(StandardCharsets.UTF_8),
        "application/json");

    RetentionResult r = h.sweep(st);

    assertEquals(List.of(expired.backupId()), r.deletedBackups());
    assertEquals(1, r.problems().size());
    assertTrue(r.problems().get(0).contains("malformed") && r.problems().get(0).contains(brokenKey),
        r.problems().get(0));
    assertTrue(store.head(broken.dataKey()).isPresent(), "its data is no orphan");
    assertTrue(store.head(brokenKey).isPresent());
    assertTrue(intact(store, newest));
    assertEquals(List.of("retention-attention"), h.events());
  }

  @Test
  void aCraftedManifestNamingAnotherKeyDeletesNothingAndIsReported() {
    BackupManifest newest = backup(BackupKind.DATABASE, 1, 1);
    BackupManifest inRetention = backup(BackupKind.DATABASE, 10, 2);
    String envFile = BackupKeys.root(st) + "config/ai-docs.env";
    store.put(envFile, "SECRET_NAME=x\n".getBytes(StandardCharsets.UTF_8), "text/plain");
    Instant old = now.minus(Duration.ofDays(60));
    for (var target : List.of(inRetention.dataKey(), envFile)) {
      String id = SweepHarness.id(BackupKind.DATABASE, old, target.length());
      BackupManifest crafted = new BackupManifest(1, id, BackupKind.DATABASE, "app", target, "f",
          1, "x", old, old, "wf", null, null);
      store.putIfAbsent(BackupKeys.manifestKey(st, BackupKind.DATABASE, id), Json.bytes(crafted),
          "application/json");
    }

    RetentionResult r = h.sweep(st);

    assertEquals(List.of(), r.deletedBackups());
    assertEquals(2, r.problems().size(), r.problems().toString());
    assertTrue(intact(store, inRetention), "the backup the crafted manifest named survives");
    assertTrue(store.head(envFile).isPresent(), "the env file it named survives");
    assertTrue(intact(store, newest));
  }

  @Test
  void keysThatAreNotBackupKeysAreNeverDeletedHoweverOld() {
    BackupManifest newest = backup(BackupKind.DATABASE, 1, 1);
    String root = BackupKeys.root(st);
    List<String> others = List.of(root + "database/notes.txt", root + "database/db-x.dump",
        root + "database/keep/" + newest.backupId() + ".dump", root + "files/README",
        root + "config/ai-docs.env", root + "reports/INC-1/recovery-report.md",
        root + "database/" + SweepHarness.id(BackupKind.FILES, now, 7) + ".tar.gz");
    for (String k : others) {
      store.putIfAbsent(k, "x".getBytes(StandardCharsets.UTF_8), "text/plain");
    }
    // an orphan with a backup key (a failed attempt, 3 days old to the sweep) is deleted
    String orphan = BackupKeys.dataKey(st, BackupKind.DATABASE,
        SweepHarness.id(BackupKind.DATABASE, now.minus(Duration.ofDays(3)), 8), ".dump", 2);
    store.putIfAbsent(orphan, new byte[] {1}, "application/octet-stream");

    RetentionResult r = h.sweep(st);

    assertEquals(List.of(orphan), r.deletedOrphans());
    for (String k : others) {
      assertTrue(store.head(k).isPresent(), k + " must never be deleted");
    }
    assertTrue(intact(store, newest));
  }

  @Test
  void aLeasedBackupPastRetentionSurvivesUntilTheLeaseEndsOrExpires() throws Exception {
    backup(BackupKind.DATABASE, 1, 1);
    BackupManifest releasedLater = backup(BackupKind.DATABASE, 40, 2);
    BackupManifest lapsesLater = backup(BackupKind.DATABASE, 41, 3);
    BackupManifest unleased = backup(BackupKind.DATABASE, 42, 4);
    StorageActivitiesImpl activities = new StorageActivitiesImpl(clients);
    activities.writeLease(new WriteLeaseInput(st, new BackupLease("recovery-INC-7",
        List.of(releasedLater.backupId()), now, now.plus(Duration.ofDays(7)), "recovery")));
    Instant lapses = h.now().plus(Duration.ofSeconds(20));
    activities.writeLease(new WriteLeaseInput(st, new BackupLease("drill-8",
        List.of(lapsesLater.backupId()), now, lapses, "drill")));

    RetentionResult first = h.sweep(st);
    assertEquals(List.of(unleased.backupId()), first.deletedBackups());
    assertEquals(List.of(releasedLater.backupId(), lapsesLater.backupId()).stream().sorted().toList(),
        first.keptLeased().stream().sorted().toList());
    assertTrue(intact(store, releasedLater));
    assertTrue(intact(store, lapsesLater));

    activities.releaseLease(new ReleaseLeaseInput(st, "recovery-INC-7"));
    assertFalse(store.head(BackupKeys.leaseKey(st, "recovery-INC-7")).isPresent());
    RetentionResult second = h.sweep(st);
    assertEquals(List.of(releasedLater.backupId()), second.deletedBackups());
    assertTrue(intact(store, lapsesLater), "its lease has not lapsed yet");

    h.awaitClockPast(lapses);
    RetentionResult third = h.sweep(st);
    assertEquals(List.of(lapsesLater.backupId()), third.deletedBackups());
    assertTrue(gone(store, lapsesLater));
  }

  @Test
  void anUnreadableLeaseStopsEveryDeletion() {
    backup(BackupKind.DATABASE, 1, 1);
    BackupManifest expired = backup(BackupKind.DATABASE, 40, 2);
    store.put(BackupKeys.leaseKey(st, "recovery-INC-9"), "not json".getBytes(StandardCharsets.UTF_8),
        "application/json");

    RetentionResult r = h.sweep(st);

    assertEquals(List.of(), r.deletedBackups());
    assertTrue(intact(store, expired));
    assertTrue(r.problems().get(0).contains("recovery-INC-9.json"), r.problems().toString());
  }

  @Test
  void theNewestRestoreVerifiedBackupIsKeptPastRetention() {
    BackupManifest newest = backup(BackupKind.FILES, 1, 1);
    BackupManifest verified = backup(BackupKind.FILES, 40, 2);
    BackupManifest olderVerified = backup(BackupKind.FILES, 50, 3);
    BackupManifest plain = backup(BackupKind.FILES, 45, 4);
    for (BackupManifest m : List.of(verified, olderVerified)) {
      SweepHarness.markVerified(store, st, m);
    }

    RetentionResult r = h.sweep(st);

    assertEquals(List.of(verified.backupId()), r.keptVerified());
    assertEquals(List.of(olderVerified.backupId(), plain.backupId()).stream().sorted().toList(),
        r.deletedBackups().stream().sorted().toList());
    assertTrue(intact(store, verified));
    assertTrue(intact(store, newest));
    assertTrue(gone(store, olderVerified));
    assertFalse(store.head(BackupKeys.verifiedKey(st, BackupKind.FILES, olderVerified.backupId()))
        .isPresent(), "the marker goes with its backup");

    RetentionResult none = h.sweep(st.withKeepVerified(0));
    assertEquals(List.of(verified.backupId()), none.deletedBackups());
  }
}
