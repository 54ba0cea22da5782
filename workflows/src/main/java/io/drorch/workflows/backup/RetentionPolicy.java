package io.drorch.workflows.backup;

import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which objects a retention sweep deletes. Pure and deterministic, so it runs inside the workflow.
 *
 * <ul>
 *   <li>A backup older than the retention period is deleted — manifest first (so no manifest ever
 *       names missing data), then its data and listing — unless it is the newest valid backup of
 *       its kind, which is always kept.
 *   <li>Objects no manifest names (failed attempts) are deleted once older than {@link
 *       #ORPHAN_GRACE}, which leaves running backups alone.
 * </ul>
 */
public final class RetentionPolicy {
  /** Unreferenced objects younger than this may belong to a backup that is still committing. */
  public static final Duration ORPHAN_GRACE = Duration.ofDays(2);

  private RetentionPolicy() {}

  public record Decision(
      List<String> expiredBackupIds,
      List<String> keptNewestValid,
      List<String> manifestKeysToDelete,
      List<String> dataKeysToDelete,
      List<String> orphanKeysToDelete) {}

  public static Decision decide(BackupCatalog catalog, Instant now, int retentionDays) {
    Instant cutoff = now.minus(Duration.ofDays(retentionDays));
    Map<BackupKind, StoredBackup> newestValid = new EnumMap<>(BackupKind.class);
    for (StoredBackup b : catalog.backups()) {
      if (b.valid() && b.manifest() != null) {
        newestValid.merge(
            b.manifest().kind(),
            b,
            (x, y) -> newer(x, y));
      }
    }

    List<String> expired = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    List<String> manifests = new ArrayList<>();
    List<String> data = new ArrayList<>();
    List<StoredBackup> sorted = new ArrayList<>(catalog.backups());
    sorted.sort(Comparator.comparing(StoredBackup::manifestKey));
    for (StoredBackup b : sorted) {
      if (b.manifest() == null || !b.manifest().startedAt().isBefore(cutoff)) {
        continue;
      }
      if (newestValid.get(b.manifest().kind()) == b) {
        kept.add(b.manifest().backupId());
        continue;
      }
      expired.add(b.manifest().backupId());
      manifests.add(b.manifestKey());
      data.add(b.manifest().dataKey());
      if (b.manifest().files() != null && b.manifest().files().listingKey() != null) {
        data.add(b.manifest().files().listingKey());
      }
    }

    Instant orphanCutoff = now.minus(ORPHAN_GRACE);
    List<String> orphans = new ArrayList<>();
    for (StoredObject o : catalog.orphans()) {
      if (o.lastModified() != null && o.lastModified().isBefore(orphanCutoff)) {
        orphans.add(o.key());
      }
    }
    orphans.sort(Comparator.naturalOrder());
    return new Decision(expired, kept, manifests, data, orphans);
  }

  private static StoredBackup newer(StoredBackup x, StoredBackup y) {
    int byTime = x.manifest().startedAt().compareTo(y.manifest().startedAt());
    if (byTime != 0) {
      return byTime > 0 ? x : y;
    }
    return x.manifestKey().compareTo(y.manifestKey()) >= 0 ? x : y;
  }
}
