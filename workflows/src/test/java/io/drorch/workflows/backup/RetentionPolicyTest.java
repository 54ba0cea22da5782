package io.drorch.workflows.backup;

import static io.drorch.workflows.backup.Fixtures.STORAGE;
import static io.drorch.workflows.backup.Fixtures.manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupLease;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.FileBackupDetails;
import io.drorch.workflows.contracts.values.LeaseSet;
import io.drorch.workflows.contracts.values.LockedObject;
import io.drorch.workflows.contracts.values.RestoreTestOutcome;
import io.drorch.workflows.contracts.values.RestoreVerification;
import io.drorch.workflows.contracts.values.StoredBackup.DataState;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  static final Instant NOW = Instant.parse("2026-11-26T04:00:00Z");
  static final RetentionPolicy.Rules RULES = new RetentionPolicy.Rules(30, 1);
  static final LeaseSet NO_LEASES = new LeaseSet(List.of(), List.of());

  /** A backup id as the backup workflows make them, started {@code daysAgo} days before NOW. */
  static String id(BackupKind kind, int daysAgo, String hex) {
    return BackupKeys.newBackupId(kind, NOW.minus(Duration.ofDays(daysAgo)), hex);
  }

  static StoredBackup backup(BackupKind kind, String id, int daysAgo, DataState state) {
    BackupManifest m = manifest(kind, id, NOW.minus(Duration.ofDays(daysAgo)));
    return new StoredBackup(m, BackupKeys.manifestKey(STORAGE, kind, id), state);
  }

  /** The backup with a restore-verification marker: VERIFIED_BY_RESTORE or FAILED_RESTORE. */
  static StoredBackup verified(StoredBackup b, boolean ok) {
    return new StoredBackup(b.manifest(), b.manifestKey(), b.state(), new RestoreVerification(
        ok ? RestoreTestOutcome.VERIFIED_BY_RESTORE : RestoreTestOutcome.FAILED_RESTORE, NOW,
        "restoretest", ok ? null : "row counts differ"));
  }

  static StoredObject object(String key, Duration age) {
    return new StoredObject(key, 10, NOW.minus(age));
  }

  static List<String> sorted(String... ids) {
    return Stream.of(ids).sorted().toList();
  }

  static List<String> sorted(List<String> ids) {
    return ids.stream().sorted().toList();
  }

  static RetentionPolicy.Decision decide(List<StoredBackup> backups, List<StoredObject> others) {
    return decide(backups, others, RULES);
  }

  static RetentionPolicy.Decision decide(List<StoredBackup> backups, List<StoredObject> others,
      RetentionPolicy.Rules rules) {
    var c = RetentionPolicy.candidates(STORAGE, new BackupCatalog(backups, others), NOW, rules);
    return RetentionPolicy.decide(c, List.of(), NO_LEASES, NOW);
  }

  @Test
  void deletesBackupsOlderThanRetentionManifestFirstAndKeepsYoungerOnes() {
    String db31 = id(BackupKind.DATABASE, 31, "00031a");
    String files40 = id(BackupKind.FILES, 40, "00040b");
    var d = decide(List.of(
        backup(BackupKind.DATABASE, id(BackupKind.DATABASE, 1, "000001"), 1, DataState.PRESENT),
        backup(BackupKind.DATABASE, id(BackupKind.DATABASE, 29, "000029"), 29, DataState.PRESENT),
        backup(BackupKind.DATABASE, db31, 31, DataState.PRESENT),
        backup(BackupKind.FILES, id(BackupKind.FILES, 0, "000000"), 0, DataState.PRESENT),
        backup(BackupKind.FILES, files40, 40, DataState.PRESENT)), List.of());

    assertEquals(List.of(db31, files40), d.expiredBackupIds());
    assertEquals(List.of("ai-docs/database/" + db31 + ".manifest.json",
        "ai-docs/files/" + files40 + ".manifest.json"), d.manifestKeysToDelete());
    assertEquals(List.of("ai-docs/database/" + db31 + ".dump",
        "ai-docs/files/" + files40 + ".listing.jsonl", "ai-docs/files/" + files40 + ".tar.gz"),
        d.dataKeysToDelete());
    assertTrue(d.keptNewestValid().isEmpty());
    assertTrue(d.problems().isEmpty(), d.problems().toString());
  }

  @Test
  void neverDeletesTheNewestValidBackupOfAKindEvenWhenExpired() {
    String db90 = id(BackupKind.DATABASE, 90, "000090");
    String db45 = id(BackupKind.DATABASE, 45, "000045");
    String db35 = id(BackupKind.DATABASE, 35, "000035");
    String files60 = id(BackupKind.FILES, 60, "000060");
    var d = decide(List.of(
        backup(BackupKind.DATABASE, db90, 90, DataState.PRESENT),
        backup(BackupKind.DATABASE, db45, 45, DataState.PRESENT),
        backup(BackupKind.DATABASE, db35, 35, DataState.SIZE_MISMATCH),
        backup(BackupKind.FILES, files60, 60, DataState.PRESENT)), List.of());

    assertEquals(List.of(db45, files60), d.keptNewestValid());
    assertEquals(sorted(db35, db90), sorted(d.expiredBackupIds()));
  }

  @Test
  void keepsTheNewestValidRestoreVerifiedBackupsOfEachKind() {
    // all expired; verified: db60, db50 (valid), db40 (size mismatch: not restorable now)
    String db70 = id(BackupKind.DATABASE, 70, "000070");
    String db60 = id(BackupKind.DATABASE, 60, "000060");
    String db50 = id(BackupKind.DATABASE, 50, "000050");
    String db40 = id(BackupKind.DATABASE, 40, "000040");
    String db35 = id(BackupKind.DATABASE, 35, "000035");
    // db45 carries a FAILED_RESTORE marker: a marker's verdict counts, not its presence
    String db45 = id(BackupKind.DATABASE, 45, "000045");
    List<StoredBackup> backups = List.of(
        backup(BackupKind.DATABASE, db70, 70, DataState.PRESENT),
        verified(backup(BackupKind.DATABASE, db60, 60, DataState.PRESENT), true),
        verified(backup(BackupKind.DATABASE, db50, 50, DataState.PRESENT), true),
        verified(backup(BackupKind.DATABASE, db45, 45, DataState.PRESENT), false),
        verified(backup(BackupKind.DATABASE, db40, 40, DataState.SIZE_MISMATCH), true),
        backup(BackupKind.DATABASE, db35, 35, DataState.PRESENT));
    List<StoredBackup> untested = backups.stream()
        .map(b -> new StoredBackup(b.manifest(), b.manifestKey(), b.state())).toList();

    var one = decide(backups, List.of(), new RetentionPolicy.Rules(30, 1));
    assertEquals(List.of(db35), one.keptNewestValid());
    assertEquals(List.of(db50), one.keptVerified());
    assertEquals(sorted(db40, db45, db60, db70), sorted(one.expiredBackupIds()));
    assertTrue(one.dataKeysToDelete().contains(
        BackupKeys.verifiedKey(STORAGE, BackupKind.DATABASE, db60)), "its marker goes with it");

    var two = decide(backups, List.of(), new RetentionPolicy.Rules(30, 2));
    assertEquals(sorted(db50, db60), sorted(two.keptVerified()));

    var none = decide(untested, List.of(), new RetentionPolicy.Rules(30, 1));
    assertEquals(List.of(), none.keptVerified(), "no markers: the rule keeps nothing extra");
    assertEquals(List.of(db35), none.keptNewestValid());
  }

  @Test
  void deletesOnlyOldOrphansWithABackupKeyWhoseBackupHasNoManifest() {
    String committed = id(BackupKind.DATABASE, 3, "0000c0");
    String failed = id(BackupKind.DATABASE, 5, "0000f0");
    String fresh = id(BackupKind.DATABASE, 0, "0000f1");
    String failedFiles = id(BackupKind.FILES, 5, "0000f2");
    var d = decide(List.of(backup(BackupKind.DATABASE, committed, 3, DataState.PRESENT)), List.of(
        object("ai-docs/database/" + failed + ".dump", Duration.ofDays(3)),
        object("ai-docs/database/" + failed + ".attempt2.dump", Duration.ofDays(3)),
        object("ai-docs/files/" + failedFiles + ".attempt3.listing.jsonl", Duration.ofDays(3)),
        object("ai-docs/files/" + failedFiles + ".attempt2.tar.zst", Duration.ofDays(3)),
        object("ai-docs/database/" + fresh + ".attempt2.dump", Duration.ofHours(5)),
        // a leftover attempt of a committed backup lives as long as that backup
        object("ai-docs/database/" + committed + ".dump.zst", Duration.ofDays(3)),
        // not backup keys: never deleted, however old
        object("ai-docs/database/notes.txt", Duration.ofDays(90)),
        object("ai-docs/database/db-x.dump", Duration.ofDays(90)),
        object("ai-docs/database/" + failedFiles + ".tar.gz", Duration.ofDays(90)),
        object("ai-docs/database/" + failed + ".attempt1.dump", Duration.ofDays(90)),
        object("ai-docs/database/" + failed + ".dump.bak", Duration.ofDays(90)),
        object("ai-docs/database/sub/" + failed + ".dump", Duration.ofDays(90)),
        object("ai-docs/files/" + failed + ".tar.gz", Duration.ofDays(90))));

    assertEquals(List.of("ai-docs/database/" + failed + ".attempt2.dump",
        "ai-docs/database/" + failed + ".dump",
        "ai-docs/files/" + failedFiles + ".attempt2.tar.zst",
        "ai-docs/files/" + failedFiles + ".attempt3.listing.jsonl"), d.orphanKeysToDelete());
    assertEquals(7, d.notBackupKeys());
    assertEquals(List.of(), d.expiredBackupIds());
  }

  @Test
  void anExpiredBackupTakesItsEarlierAttemptsWithIt() {
    String db40 = id(BackupKind.DATABASE, 40, "000040");
    String db1 = id(BackupKind.DATABASE, 1, "000001");
    var d = decide(List.of(backup(BackupKind.DATABASE, db40, 40, DataState.PRESENT),
            backup(BackupKind.DATABASE, db1, 1, DataState.PRESENT)),
        List.of(object("ai-docs/database/" + db40 + ".attempt2.dump", Duration.ofDays(40))));

    assertEquals(List.of("ai-docs/database/" + db40 + ".attempt2.dump",
        "ai-docs/database/" + db40 + ".dump"), d.dataKeysToDelete());
  }

  @Test
  void aMalformedManifestKeepsEveryObjectOfItsBackupAndIsReported() {
    String broken = id(BackupKind.DATABASE, 60, "00bad0");
    String newest = id(BackupKind.DATABASE, 1, "000001");
    var d = decide(List.of(
            new StoredBackup(null, BackupKeys.manifestKey(STORAGE, BackupKind.DATABASE, broken),
                DataState.UNREADABLE_MANIFEST),
            backup(BackupKind.DATABASE, newest, 1, DataState.PRESENT)),
        List.of(object("ai-docs/database/" + broken + ".dump", Duration.ofDays(60)),
            object("ai-docs/database/" + broken + ".attempt2.dump", Duration.ofDays(60))));

    assertEquals(List.of(), d.expiredBackupIds());
    assertEquals(List.of(), d.orphanKeysToDelete(), "its data is not an orphan");
    assertEquals(1, d.problems().size());
    assertTrue(d.problems().get(0).contains("is malformed") && d.problems().get(0).contains(broken),
        d.problems().get(0));
  }

  @Test
  void aManifestNamingAKeyThatIsNotItsOwnDeletesNothingAndIsReported() {
    String victim = id(BackupKind.DATABASE, 1, "0000a1");
    String crafted = id(BackupKind.DATABASE, 60, "0000c1");
    String craftedListing = id(BackupKind.FILES, 60, "0000c2");
    String misplaced = id(BackupKind.DATABASE, 60, "0000c3");
    String newestFiles = id(BackupKind.FILES, 1, "0000f1");
    BackupManifest m = manifest(BackupKind.DATABASE, crafted, NOW.minus(Duration.ofDays(60)));
    BackupManifest namesVictim = new BackupManifest(1, crafted, BackupKind.DATABASE, "app",
        BackupKeys.dataKey(STORAGE, BackupKind.DATABASE, victim, ".dump", 1), "f", 100, "00",
        m.startedAt(), m.finishedAt(), "wf", null, null);
    BackupManifest f = manifest(BackupKind.FILES, craftedListing, NOW.minus(Duration.ofDays(60)));
    BackupManifest namesEnvFile = new BackupManifest(1, craftedListing, BackupKind.FILES, "app",
        f.dataKey(), "f", 100, "00", f.startedAt(), f.finishedAt(), "wf", null,
        new FileBackupDetails("/u", "ai-docs/config/ai-docs.env", "ab", 1, 1));
    BackupManifest other = manifest(BackupKind.DATABASE, victim, NOW.minus(Duration.ofDays(60)));
    List<StoredBackup> backups = new ArrayList<>(List.of(
        new StoredBackup(namesVictim, BackupKeys.manifestKey(STORAGE, BackupKind.DATABASE, crafted),
            DataState.PRESENT),
        new StoredBackup(namesEnvFile,
            BackupKeys.manifestKey(STORAGE, BackupKind.FILES, craftedListing), DataState.PRESENT),
        new StoredBackup(other, BackupKeys.manifestKey(STORAGE, BackupKind.DATABASE, misplaced),
            DataState.PRESENT),
        new StoredBackup(m, "ai-docs/database/not-an-id.manifest.json", DataState.PRESENT),
        backup(BackupKind.DATABASE, victim, 1, DataState.PRESENT),
        backup(BackupKind.FILES, newestFiles, 1, DataState.PRESENT)));

    var d = decide(backups, List.of());

    assertEquals(List.of(), d.expiredBackupIds());
    assertEquals(List.of(), d.dataKeysToDelete());
    assertEquals(4, d.problems().size(), d.problems().toString());
    assertTrue(d.problems().stream().anyMatch(p -> p.contains(victim + ".dump")
        && p.contains("not a data key of backup " + crafted)), d.problems().toString());
    assertTrue(d.problems().stream().anyMatch(p -> p.contains("ai-docs/config/ai-docs.env")));
    assertTrue(d.problems().stream().anyMatch(p -> p.contains("describes backup " + victim)));
    assertTrue(d.problems().stream().anyMatch(p -> p.contains("not-an-id.manifest.json")));
  }

  @Test
  void aLeasedBackupIsKeptUntilItsLeaseExpires() {
    String db40 = id(BackupKind.DATABASE, 40, "000040");
    String db35 = id(BackupKind.DATABASE, 35, "000035");
    String db1 = id(BackupKind.DATABASE, 1, "000001");
    var c = RetentionPolicy.candidates(STORAGE, new BackupCatalog(List.of(
        backup(BackupKind.DATABASE, db40, 40, DataState.PRESENT),
        backup(BackupKind.DATABASE, db35, 35, DataState.PRESENT),
        backup(BackupKind.DATABASE, db1, 1, DataState.PRESENT)), List.of()), NOW, RULES);
    BackupLease running = new BackupLease("recovery-INC-1", List.of(db40, db1), NOW.minusSeconds(60),
        NOW.plus(Duration.ofHours(1)), "recovery");
    BackupLease lapsed = new BackupLease("recovery-INC-0", List.of(db35), NOW.minus(Duration.ofDays(8)),
        NOW.minus(Duration.ofDays(1)), "recovery");

    var held = RetentionPolicy.decide(c, List.of(), new LeaseSet(List.of(running, lapsed), List.of()), NOW);
    assertEquals(List.of(db40), held.keptLeased());
    assertEquals(List.of(db35), held.expiredBackupIds(), "an expired lease protects nothing");

    var later = RetentionPolicy.decide(c, List.of(), new LeaseSet(List.of(running, lapsed), List.of()),
        NOW.plus(Duration.ofHours(2)));
    assertEquals(sorted(db35, db40), sorted(later.expiredBackupIds()));
  }

  @Test
  void anUnreadableLeaseStopsEveryDeletion() {
    String db40 = id(BackupKind.DATABASE, 40, "000040");
    String db1 = id(BackupKind.DATABASE, 1, "000001");
    String orphan = id(BackupKind.DATABASE, 9, "0000f0");
    var c = RetentionPolicy.candidates(STORAGE, new BackupCatalog(List.of(
            backup(BackupKind.DATABASE, db40, 40, DataState.PRESENT),
            backup(BackupKind.DATABASE, db1, 1, DataState.PRESENT)),
        List.of(object("ai-docs/database/" + orphan + ".dump", Duration.ofDays(9)))), NOW, RULES);

    var d = RetentionPolicy.decide(c, List.of(),
        new LeaseSet(List.of(), List.of("ai-docs/leases/recovery-INC-9.json")), NOW);

    assertEquals(List.of(), d.expiredBackupIds());
    assertEquals(List.of(), d.orphanKeysToDelete());
    assertEquals(0, d.objectCount());
    assertTrue(d.problems().get(0).contains("recovery-INC-9.json"), d.problems().toString());
  }

  @Test
  void anObjectUnderObjectLockKeepsItsWholeBackup() {
    String db40 = id(BackupKind.DATABASE, 40, "000040");
    String db35 = id(BackupKind.DATABASE, 35, "000035");
    String db1 = id(BackupKind.DATABASE, 1, "000001");
    String orphan = id(BackupKind.DATABASE, 9, "0000f0");
    var c = RetentionPolicy.candidates(STORAGE, new BackupCatalog(List.of(
            backup(BackupKind.DATABASE, db40, 40, DataState.PRESENT),
            backup(BackupKind.DATABASE, db35, 35, DataState.PRESENT),
            backup(BackupKind.DATABASE, db1, 1, DataState.PRESENT)),
        List.of(object("ai-docs/database/" + orphan + ".dump", Duration.ofDays(9)))), NOW, RULES);
    Instant until = NOW.plus(Duration.ofDays(3));
    String lockedData = BackupKeys.dataKey(STORAGE, BackupKind.DATABASE, db35, ".dump", 1);

    var d = RetentionPolicy.decide(c, List.of(
            new LockedObject(lockedData, "COMPLIANCE", until, false, "its retention"),
            new LockedObject("ai-docs/database/" + orphan + ".dump", null, null, true, "its legal hold")),
        NO_LEASES, NOW);

    assertEquals(List.of(db40), d.expiredBackupIds());
    assertEquals(List.of(), d.orphanKeysToDelete());
    assertEquals(2, d.keptLocked().size());
    assertTrue(d.keptLocked().get(0).startsWith(db35 + " (" + lockedData
        + ": Object Lock, COMPLIANCE until " + until), d.keptLocked().get(0));
    assertTrue(d.keptLocked().get(1).contains("legal hold"), d.keptLocked().get(1));
  }
}
