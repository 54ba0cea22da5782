package io.drorch.workflows.backup;

import static io.drorch.workflows.backup.Fixtures.manifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.StoredBackup.DataState;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  static final Instant NOW = Instant.parse("2026-11-26T04:00:00Z");

  static StoredBackup backup(BackupKind kind, String id, int daysAgo, DataState state) {
    BackupManifest m = manifest(kind, id, NOW.minus(Duration.ofDays(daysAgo)));
    return new StoredBackup(m, BackupKeys.manifestKey(Fixtures.STORAGE, kind, id), state);
  }

  @Test
  void deletesBackupsOlderThanRetentionManifestFirstAndKeepsYoungerOnes() {
    var catalog = new BackupCatalog(List.of(
        backup(BackupKind.DATABASE, "db-new", 1, DataState.PRESENT),
        backup(BackupKind.DATABASE, "db-29", 29, DataState.PRESENT),
        backup(BackupKind.DATABASE, "db-31", 31, DataState.PRESENT),
        backup(BackupKind.FILES, "files-new", 0, DataState.PRESENT),
        backup(BackupKind.FILES, "files-40", 40, DataState.PRESENT)), List.of());

    var d = RetentionPolicy.decide(catalog, NOW, 30);

    assertEquals(List.of("db-31", "files-40"), d.expiredBackupIds());
    assertEquals(List.of(
        "ai-docs/database/db-31.manifest.json", "ai-docs/files/files-40.manifest.json"),
        d.manifestKeysToDelete());
    assertEquals(List.of("ai-docs/database/db-31.dump", "ai-docs/files/files-40.tar.gz",
        "ai-docs/files/files-40.listing.jsonl"), d.dataKeysToDelete());
    assertTrue(d.keptNewestValid().isEmpty());
  }

  @Test
  void neverDeletesTheNewestValidBackupOfAKindEvenWhenExpired() {
    var catalog = new BackupCatalog(List.of(
        backup(BackupKind.DATABASE, "db-90", 90, DataState.PRESENT),
        backup(BackupKind.DATABASE, "db-45", 45, DataState.PRESENT),
        backup(BackupKind.DATABASE, "db-35-corrupt", 35, DataState.SIZE_MISMATCH),
        backup(BackupKind.FILES, "files-60", 60, DataState.PRESENT)), List.of());

    var d = RetentionPolicy.decide(catalog, NOW, 30);

    assertEquals(List.of("db-45", "files-60"), d.keptNewestValid());
    assertEquals(List.of("db-35-corrupt", "db-90"), d.expiredBackupIds());
  }

  @Test
  void deletesUnreferencedObjectsOnlyAfterTheGracePeriod() {
    var catalog = new BackupCatalog(List.of(), List.of(
        new StoredObject("ai-docs/database/db-x.dump", 10, NOW.minus(Duration.ofDays(3))),
        new StoredObject("ai-docs/database/db-y.attempt2.dump", 10, NOW.minus(Duration.ofHours(5)))));

    var d = RetentionPolicy.decide(catalog, NOW, 30);

    assertEquals(List.of("ai-docs/database/db-x.dump"), d.orphanKeysToDelete());
  }
}
