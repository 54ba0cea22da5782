package io.drorch.workflows.backup;

import io.drorch.workflows.backup.BackupKeys.BackupKey;
import io.drorch.workflows.backup.BackupKeys.Part;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupLease;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.LeaseSet;
import io.drorch.workflows.contracts.values.LockedObject;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which objects a retention sweep deletes. Pure and deterministic, so it runs inside the workflow,
 * in two steps: {@link #candidates} from the catalog alone, then {@link #decide} once the
 * candidates' Object Lock state and the leases are known.
 *
 * <p>What is deleted:
 * <ul>
 *   <li>A backup that started before the retention period — its manifest first (so no manifest
 *       ever names missing data), then its data, listing, restore-verified marker and the
 *       leftovers of its earlier attempts. Only keys derived from its own backup id
 *       ({@link BackupKeys#parse}) are ever deleted: a manifest that names another object, sits at
 *       a key that is not its own, or is malformed deletes nothing and is reported.
 *   <li>An orphan: an object with a backup key whose backup id has no manifest at all (a failed
 *       attempt), once older than {@link #ORPHAN_GRACE}, which leaves running backups alone.
 * </ul>
 * What is never deleted: any object that is not a backup key; the newest valid backup of each
 * kind; the {@code keepVerified} newest valid restore-verified backups of each kind; a backup an
 * unexpired lease names; an object S3 Object Lock keeps (its whole backup is kept). A lease that
 * cannot be read stops every deletion.
 */
public final class RetentionPolicy {
  /** Unreferenced objects younger than this may belong to a backup that is still committing. */
  public static final Duration ORPHAN_GRACE = Duration.ofDays(2);

  private RetentionPolicy() {}

  /** The plan's retention settings. */
  public record Rules(int retentionDays, int keepVerified) {}

  /**
   * An expired backup the sweep would delete: its manifest key, then every other key of it.
   */
  public record Expired(String backupId, BackupKind kind, String manifestKey, List<String> otherKeys) {
    List<String> keys() {
      List<String> all = new ArrayList<>();
      all.add(manifestKey);
      all.addAll(otherKeys);
      return all;
    }
  }

  /** An object with a backup key whose backup id has no manifest. */
  public record Orphan(String key, String backupId) {}

  /** Step 1: what the catalog alone allows deleting, and what it keeps. */
  public record Candidates(
      List<Expired> expired,
      List<Orphan> orphans,
      List<String> keptNewestValid,
      List<String> keptVerified,
      List<String> problems,
      int notBackupKeys) {

    /** Every key a deletion would touch (to be checked against Object Lock). */
    public List<String> keys() {
      List<String> out = new ArrayList<>();
      expired.forEach(e -> out.addAll(e.keys()));
      orphans.forEach(o -> out.add(o.key()));
      return out;
    }
  }

  /** Step 2: what the sweep deletes, in this order, and everything kept or reported. */
  public record Decision(
      List<Expired> delete,
      List<String> orphanKeysToDelete,
      List<String> keptNewestValid,
      List<String> keptVerified,
      List<String> keptLeased,
      List<String> keptLocked,
      List<String> problems,
      int notBackupKeys) {

    public List<String> expiredBackupIds() {
      return delete.stream().map(Expired::backupId).toList();
    }

    public List<String> manifestKeysToDelete() {
      return delete.stream().map(Expired::manifestKey).toList();
    }

    public List<String> dataKeysToDelete() {
      return delete.stream().flatMap(e -> e.otherKeys().stream()).toList();
    }

    public int objectCount() {
      return manifestKeysToDelete().size() + dataKeysToDelete().size() + orphanKeysToDelete.size();
    }
  }

  /** Step 1, from the catalog: expired backups and old orphans, minus what the catalog keeps. */
  public static Candidates candidates(StorageTarget storage, BackupCatalog catalog, Instant now,
      Rules rules) {
    Instant cutoff = now.minus(Duration.ofDays(rules.retentionDays()));
    List<String> problems = new ArrayList<>();

    // Every backup id that has a manifest, readable or not: its objects are never orphans.
    Set<String> withManifest = new HashSet<>();
    // Backups whose manifest is well-formed and names only keys of its own id.
    Map<String, StoredBackup> sound = new TreeMap<>();
    for (StoredBackup b : sorted(catalog.backups())) {
      Optional<BackupKey> at = BackupKeys.parse(storage, b.manifestKey());
      at.ifPresent(k -> withManifest.add(k.backupId()));
      if (b.manifest() != null) {
        withManifest.add(b.manifest().backupId());
      }
      String problem = problem(storage, b, at);
      if (problem != null) {
        problems.add(problem);
      } else {
        sound.put(b.manifestKey(), b);
      }
    }

    // The other objects of each backup (leftover attempts, markers), and the orphans.
    Map<String, List<String>> extraKeys = new TreeMap<>();
    List<Orphan> orphans = new ArrayList<>();
    int notBackupKeys = 0;
    Instant orphanCutoff = now.minus(ORPHAN_GRACE);
    for (StoredObject o : sortedObjects(catalog.orphans())) {
      Optional<BackupKey> k = BackupKeys.parse(storage, o.key());
      if (k.isEmpty()) {
        notBackupKeys++;
        continue;
      }
      String id = k.get().backupId();
      if (withManifest.contains(id)) {
        extraKeys.computeIfAbsent(id, x -> new ArrayList<>()).add(o.key());
      } else if (o.lastModified() != null && o.lastModified().isBefore(orphanCutoff)) {
        orphans.add(new Orphan(o.key(), id));
      }
    }

    // What is kept whatever its age: per kind the newest valid one, the newest verified ones.
    Map<BackupKind, List<StoredBackup>> validByKind = new EnumMap<>(BackupKind.class);
    for (StoredBackup b : sound.values()) {
      if (b.valid()) {
        validByKind.computeIfAbsent(b.manifest().kind(), x -> new ArrayList<>()).add(b);
      }
    }
    Set<String> newestValid = new HashSet<>();
    Set<String> newestVerified = new HashSet<>();
    for (List<StoredBackup> valid : validByKind.values()) {
      valid.sort(NEWEST_FIRST);
      newestValid.add(valid.get(0).manifestKey());
      valid.stream()
          .filter(StoredBackup::verifiedByRestore) // the marker's verdict, not its presence
          .limit(Math.max(0, rules.keepVerified()))
          .forEach(b -> newestVerified.add(b.manifestKey()));
    }

    List<Expired> expired = new ArrayList<>();
    List<String> keptNewest = new ArrayList<>();
    List<String> keptVerified = new ArrayList<>();
    for (StoredBackup b : sound.values()) {
      BackupManifest m = b.manifest();
      if (!m.startedAt().isBefore(cutoff)) {
        continue;
      }
      if (newestValid.contains(b.manifestKey())) {
        keptNewest.add(m.backupId());
        continue;
      }
      if (newestVerified.contains(b.manifestKey())) {
        keptVerified.add(m.backupId());
        continue;
      }
      Set<String> others = new TreeSet<>();
      others.add(m.dataKey());
      if (m.files() != null && m.files().listingKey() != null) {
        others.add(m.files().listingKey());
      }
      if (b.verification() != null) { // the catalog reads markers: they are not orphans
        others.add(BackupKeys.verifiedKey(storage, m.kind(), m.backupId()));
      }
      others.addAll(extraKeys.getOrDefault(m.backupId(), List.of()));
      others.remove(b.manifestKey());
      expired.add(new Expired(m.backupId(), m.kind(), b.manifestKey(), List.copyOf(others)));
    }
    return new Candidates(expired, orphans, keptNewest, keptVerified, problems, notBackupKeys);
  }

  /** Step 2: the candidates minus what Object Lock or a lease keeps. */
  public static Decision decide(Candidates c, List<LockedObject> locked, LeaseSet leases,
      Instant now) {
    List<String> problems = new ArrayList<>(c.problems());
    Map<String, LockedObject> lockedByKey = new LinkedHashMap<>();
    for (LockedObject l : locked == null ? List.<LockedObject>of() : locked) {
      lockedByKey.put(l.key(), l);
    }
    Map<String, String> leasedBy = new TreeMap<>();
    boolean unreadableLease = false;
    if (leases != null) {
      for (String key : leases.unreadableKeys() == null ? List.<String>of() : leases.unreadableKeys()) {
        unreadableLease = true;
        problems.add("lease " + key + " cannot be read as a lease: what it protects is unknown, so"
            + " this sweep deleted nothing. Fix or delete it by hand.");
      }
      for (BackupLease l : leases.leases() == null ? List.<BackupLease>of() : leases.leases()) {
        if (l.expiresAt() != null && l.expiresAt().isAfter(now) && l.backupIds() != null) {
          l.backupIds().forEach(id -> leasedBy.putIfAbsent(id, l.holder()));
        }
      }
    }

    List<Expired> delete = new ArrayList<>();
    List<String> keptLeased = new ArrayList<>();
    List<String> keptLocked = new ArrayList<>();
    for (Expired e : c.expired()) {
      if (leasedBy.containsKey(e.backupId())) {
        keptLeased.add(e.backupId());
        continue;
      }
      Optional<LockedObject> lock = e.keys().stream().map(lockedByKey::get)
          .filter(l -> l != null).findFirst();
      if (lock.isPresent()) {
        keptLocked.add(e.backupId() + " (" + describe(lock.get()) + ")");
        continue;
      }
      delete.add(e);
    }
    List<String> orphanKeys = new ArrayList<>();
    for (Orphan o : c.orphans()) {
      if (leasedBy.containsKey(o.backupId())) {
        keptLeased.add(o.key());
      } else if (lockedByKey.containsKey(o.key())) {
        keptLocked.add(o.key() + " (" + describe(lockedByKey.get(o.key())) + ")");
      } else {
        orphanKeys.add(o.key());
      }
    }
    if (unreadableLease) {
      delete = List.of();
      orphanKeys = List.of();
    }
    return new Decision(delete, orphanKeys, c.keptNewestValid(), c.keptVerified(), keptLeased,
        keptLocked, problems, c.notBackupKeys());
  }

  /** Why a backup's manifest cannot be trusted to say what to delete, or null when it can. */
  private static String problem(StorageTarget storage, StoredBackup b, Optional<BackupKey> at) {
    String key = b.manifestKey();
    if (at.isEmpty() || at.get().part() != Part.MANIFEST) {
      return "manifest " + key + " is not at a backup key this tool writes: nothing of it is"
          + " deleted. Check where it came from.";
    }
    BackupManifest m = b.manifest();
    if (m == null) {
      return "manifest " + key + " is malformed (its complete body is not a backup manifest):"
          + " backup " + at.get().backupId() + "'s objects are kept. Inspect it; delete the"
          + " backup's objects by hand if it is garbage.";
    }
    if (m.kind() != at.get().kind() || !at.get().backupId().equals(m.backupId())) {
      return "manifest " + key + " describes backup " + m.backupId() + " (" + m.kind()
          + "), not the backup its key names: nothing of it is deleted. Check where it came from.";
    }
    if (!BackupKeys.isKeyOf(storage, m.dataKey(), m.kind(), m.backupId(), Part.DATA)) {
      return "manifest " + key + " names data " + m.dataKey() + ", which is not a data key of"
          + " backup " + m.backupId() + ": nothing of it is deleted. Check where it came from.";
    }
    if (m.files() != null && m.files().listingKey() != null
        && !BackupKeys.isKeyOf(storage, m.files().listingKey(), m.kind(), m.backupId(), Part.LISTING)) {
      return "manifest " + key + " names listing " + m.files().listingKey() + ", which is not a"
          + " listing key of backup " + m.backupId() + ": nothing of it is deleted. Check where it"
          + " came from.";
    }
    if (m.startedAt() == null) {
      return "manifest " + key + " has no start time: nothing of it is deleted.";
    }
    return null;
  }

  private static String describe(LockedObject l) {
    String what = l.retainUntil() == null ? "legal hold"
        : (l.mode() == null ? "locked" : l.mode()) + " until " + l.retainUntil()
            + (l.legalHold() ? ", legal hold" : "");
    return l.key() + ": Object Lock, " + what + (l.how() == null ? "" : ", " + l.how());
  }

  private static final Comparator<StoredBackup> NEWEST_FIRST =
      Comparator.comparing((StoredBackup b) -> b.manifest().startedAt()).reversed()
          .thenComparing(StoredBackup::manifestKey, Comparator.reverseOrder());

  private static List<StoredBackup> sorted(List<StoredBackup> backups) {
    List<StoredBackup> out = new ArrayList<>(backups == null ? List.of() : backups);
    out.sort(Comparator.comparing(StoredBackup::manifestKey));
    return out;
  }

  private static List<StoredObject> sortedObjects(List<StoredObject> objects) {
    List<StoredObject> out = new ArrayList<>(objects == null ? List.of() : objects);
    out.sort(Comparator.comparing(StoredObject::key));
    return out;
  }
}
