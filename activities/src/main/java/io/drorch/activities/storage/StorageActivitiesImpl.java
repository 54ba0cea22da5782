package io.drorch.activities.storage;

import io.drorch.activities.common.Json;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.AbortUploadsInput;
import io.drorch.workflows.contracts.commands.DeleteObjectsInput;
import io.drorch.workflows.contracts.commands.FindLockedInput;
import io.drorch.workflows.contracts.commands.ReleaseLeaseInput;
import io.drorch.workflows.contracts.commands.VerifyBackupInput;
import io.drorch.workflows.contracts.commands.WriteLeaseInput;
import io.drorch.workflows.contracts.commands.WriteManifestInput;
import io.drorch.workflows.contracts.commands.WriteRestoreVerdictInput;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupLease;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.LeaseSet;
import io.drorch.workflows.contracts.values.LockedObject;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import io.drorch.workflows.contracts.values.RestoreVerification;
import io.drorch.workflows.contracts.values.StoredBackup.DataState;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.StoredObject;
import io.drorch.workflows.contracts.values.VerifyBackupResult;
import io.drorch.workflows.contracts.values.WriteRestoreVerdictResult;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

public class StorageActivitiesImpl implements StorageActivities {
  private static final Logger log = LoggerFactory.getLogger(StorageActivitiesImpl.class);
  private final S3Clients s3;

  public StorageActivitiesImpl(S3Clients s3) {
    this.s3 = s3;
  }

  @Override
  public String writeManifest(WriteManifestInput input) {
    StorageTarget target = input.storage();
    BackupManifest manifest = input.manifest();
    BackupStore store = s3.store(target);
    String key = BackupKeys.manifestKey(target, manifest.kind(), manifest.backupId());
    try {
      long actual =
          store.head(manifest.dataKey()).map(BackupStore.ObjectInfo::sizeBytes).orElse(-1L);
      if (actual != manifest.sizeBytes()) {
        throw DrError.BACKUP_NOT_FOUND.failure(
            "Refusing to commit backup " + manifest.backupId() + ": its data object "
                + manifest.dataKey() + (actual < 0 ? " is missing" : " has " + actual
                + " bytes, expected " + manifest.sizeBytes())
                + ". The backup was not committed; run it again.");
      }
      if (store.putIfAbsent(key, Json.bytes(manifest), "application/json")) {
        return key;
      }
      // Already there: a retry after a lost response is fine, anything else is a conflict.
      BackupManifest existing = Json.read(store.readSmall(key).orElseThrow(), BackupManifest.class);
      if (existing.equals(manifest)) {
        return key;
      }
      throw DrError.MANIFEST_CONFLICT.failure(
          "Manifest " + key + " already exists with different content; backups are write-once."
              + " Nothing was overwritten.");
    } catch (IOException | RuntimeException e) {
      throw StorageErrors.translate(
          e instanceof RuntimeException re ? re : new IllegalStateException(e),
          target, "write manifest " + key);
    }
  }

  @Override
  public BackupCatalog listBackups(StorageTarget target) {
    try {
      return catalog(s3.store(target));
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, target, "list backups");
    }
  }

  /**
   * Reads every manifest and object under the prefix (used by the activity and the CLI), and the
   * restore-verification marker of each backup that has one. Every manifest and marker is read
   * whole; a read error throws (a retryable {@code STORAGE_UNAVAILABLE}), so a backup never looks
   * absent or untested because of one. Only a manifest whose complete body, read twice alike, is
   * not a manifest is listed as {@code UNREADABLE_MANIFEST}. A marker counts as part of its backup
   * (not an orphan) while the backup's manifest exists.
   */
  public static BackupCatalog catalog(BackupStore store) {
    Map<String, BackupStore.ObjectInfo> objects = new HashMap<>();
    for (BackupKind kind : BackupKind.values()) {
      for (BackupStore.ObjectInfo o : store.list(BackupKeys.folder(store.target(), kind))) {
        objects.put(o.key(), o);
      }
    }
    List<StoredBackup> backups = new ArrayList<>();
    Set<String> referenced = new HashSet<>();
    Map<String, Optional<BackupManifest>> manifests = readManifests(store, objects);
    for (BackupStore.ObjectInfo o : objects.values()) {
      if (!o.key().endsWith(BackupKeys.MANIFEST_SUFFIX)) {
        continue;
      }
      referenced.add(o.key());
      Optional<BackupManifest> manifest = manifests.get(o.key());
      if (manifest.isEmpty()) {
        backups.add(new StoredBackup(null, o.key(), DataState.UNREADABLE_MANIFEST));
        continue;
      }
      BackupManifest m = manifest.get();
      referenced.add(m.dataKey());
      String verifiedKey = BackupKeys.verifiedKey(store.target(), m.kind(), m.backupId());
      RestoreVerification verification = null;
      if (objects.containsKey(verifiedKey)) {
        referenced.add(verifiedKey);
        verification = verification(store, objects.get(verifiedKey));
      }
      if (m.files() != null && m.files().listingKey() != null) {
        referenced.add(m.files().listingKey());
      }
      BackupStore.ObjectInfo data = objects.get(m.dataKey());
      DataState state =
          data == null ? DataState.MISSING
              : data.sizeBytes() == m.sizeBytes() ? DataState.PRESENT : DataState.SIZE_MISMATCH;
      if (state == DataState.PRESENT && m.files() != null && m.files().listingKey() != null
          && !objects.containsKey(m.files().listingKey())) {
        state = DataState.MISSING;
      }
      backups.add(new StoredBackup(m, o.key(), state, verification));
    }
    backups.sort(
        Comparator.comparing(
                (StoredBackup b) -> b.manifest() == null ? null : b.manifest().startedAt(),
                Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(StoredBackup::manifestKey));
    List<StoredObject> orphans = new ArrayList<>();
    objects.values().stream()
        .filter(o -> !referenced.contains(o.key()))
        .sorted(Comparator.comparing(BackupStore.ObjectInfo::key))
        .forEach(o -> orphans.add(new StoredObject(o.key(), o.sizeBytes(), o.lastModified())));
    return new BackupCatalog(backups, orphans);
  }

  /** Manifests read at once on a few connections: one GET each, a catalog holds dozens. */
  static final int MANIFEST_READERS = 4;

  /**
   * Every manifest among {@code objects}, read whole (see {@link #readJson}: a read error throws,
   * a permanently malformed manifest is empty), on a few connections at once.
   */
  private static Map<String, Optional<BackupManifest>> readManifests(BackupStore store,
      Map<String, BackupStore.ObjectInfo> objects) {
    List<String> manifestKeys = objects.keySet().stream()
        .filter(k -> k.endsWith(BackupKeys.MANIFEST_SUFFIX)).sorted().toList();
    Map<String, Optional<BackupManifest>> out = new java.util.concurrent.ConcurrentHashMap<>();
    if (manifestKeys.size() <= 1) {
      manifestKeys.forEach(k -> out.put(k, manifest(store, objects.get(k))));
      return out;
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
        Math.min(MANIFEST_READERS, manifestKeys.size()), r -> {
          Thread t = new Thread(r, "manifest-reader");
          t.setDaemon(true);
          return t;
        });
    try {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (String k : manifestKeys) {
        futures.add(pool.submit(() -> out.put(k, manifest(store, objects.get(k)))));
      }
      for (java.util.concurrent.Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while reading manifests", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private static Optional<BackupManifest> manifest(BackupStore store, BackupStore.ObjectInfo o) {
    return readJson(store, o, BackupManifest.class, "manifest", StorageActivitiesImpl::isManifest);
  }

  /**
   * A marker's summary. A read error throws (as for manifests: the retention sweep's keep-verified
   * rule must never see a verified backup as untested); a permanently malformed marker is
   * reported as such (outcome null), never hidden.
   */
  private static RestoreVerification verification(BackupStore store, BackupStore.ObjectInfo o) {
    return readJson(store, o, RestoreVerdict.class, "restore-verification marker",
            v -> v != null && v.outcome() != null)
        .map(RestoreVerdict::summary)
        .orElseGet(() -> new RestoreVerification(null, null, null,
            "marker " + o.key() + " is malformed"));
  }

  @Override
  public WriteRestoreVerdictResult writeRestoreVerdict(WriteRestoreVerdictInput input) {
    if (input == null || input.storage() == null || input.verdict() == null
        || input.verdict().backupId() == null || input.verdict().kind() == null
        || input.verdict().outcome() == null) {
      throw DrError.BAD_INPUT.failure("writeRestoreVerdict needs the storage section and a verdict"
          + " with backup id, kind and outcome");
    }
    StorageTarget target = input.storage();
    RestoreVerdict v = input.verdict();
    BackupStore store = s3.store(target);
    String key = BackupKeys.verifiedKey(target, v.kind(), v.backupId());
    try {
      String manifestKey = BackupKeys.manifestKey(target, v.kind(), v.backupId());
      if (store.head(manifestKey).isEmpty()) {
        throw DrError.BACKUP_NOT_FOUND.failure("Backup " + v.backupId() + " has no manifest ("
            + manifestKey + "): a restore verdict is only recorded for a committed backup.");
      }
      if (store.putIfAbsent(key, Json.bytes(v), "application/json")) {
        log.info("backup {}: {} recorded in {}", v.backupId(), v.outcome(), key);
        return new WriteRestoreVerdictResult(key, true, v);
      }
      // write-once: whatever is there stands (our own verdict again after a lost response)
      RestoreVerdict existing = Json.read(store.readSmall(key).orElseThrow(() ->
          DrError.STORAGE_UNAVAILABLE.failure("marker " + key + " exists but cannot be read")),
          RestoreVerdict.class);
      if (!existing.equals(v)) {
        log.warn("backup {}: a restore verdict is already recorded ({} by {}); {} not written",
            v.backupId(), existing.outcome(), existing.workflowId(), v.outcome());
      }
      return new WriteRestoreVerdictResult(key, false, existing);
    } catch (IOException | RuntimeException e) {
      throw StorageErrors.translate(
          e instanceof RuntimeException re ? re : new IllegalStateException(e),
          target, "write restore verdict " + key);
    }
  }

  private static boolean isManifest(BackupManifest m) {
    return m != null && m.backupId() != null && m.kind() != null && m.dataKey() != null
        && m.startedAt() != null;
  }

  private static boolean isLease(BackupLease l) {
    return l != null && l.holder() != null && l.backupIds() != null && l.expiresAt() != null;
  }

  /**
   * A small JSON object read whole, or empty when it is permanently malformed: its body has the
   * size the listing gave, two reads are alike, and it is not a {@code type} ({@code valid}
   * false). Anything else — the object gone since the listing, a short or long read, two reads
   * that differ, an S3 or network error — throws: it is a read error, and the caller must not
   * act as if the object were absent.
   */
  static <T> Optional<T> readJson(BackupStore store, BackupStore.ObjectInfo o, Class<T> type,
      String what, java.util.function.Predicate<T> valid) {
    byte[] body = readWhole(store, o, what);
    try {
      T value = Json.read(body, type);
      if (valid.test(value)) {
        return Optional.of(value);
      }
    } catch (IOException e) {
      // malformed, or damaged in transit: read again to tell
    }
    byte[] again = readWhole(store, o, what);
    if (!Arrays.equals(body, again)) {
      throw readError(store, o.key(), what, "two reads of it returned different bytes");
    }
    log.error("{} {} is malformed: its complete body ({} bytes, read twice alike) is not a {}",
        what, o.key(), body.length, what);
    return Optional.empty();
  }

  private static byte[] readWhole(BackupStore store, BackupStore.ObjectInfo o, String what) {
    byte[] body = store.readSmall(o.key()).orElseThrow(() ->
        readError(store, o.key(), what, "it was listed a moment ago and is gone now"));
    if (body.length != o.sizeBytes()) {
      throw readError(store, o.key(), what, "the read returned " + body.length
          + " bytes, the listing says it has " + o.sizeBytes());
    }
    return body;
  }

  private static ApplicationFailure readError(BackupStore store, String key, String what,
      String why) {
    return DrError.STORAGE_UNAVAILABLE.failure("Cannot read " + what + " "
        + BackupKeys.url(store.target(), key) + ": " + why + ". This is a read error, not a"
        + " malformed " + what + ": the listing fails (and is retried) rather than go on"
        + " without it.");
  }

  @Override
  public List<LockedObject> findLocked(FindLockedInput input) {
    StorageTarget target = input.storage();
    try {
      return ObjectLocks.find(s3.client(target), target, input.keys(), Instant.now());
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, target, "read the Object Lock state of "
          + input.keys().size() + " objects");
    }
  }

  @Override
  public void writeLease(WriteLeaseInput input) {
    StorageTarget target = input.storage();
    String key = BackupKeys.leaseKey(target, input.lease().holder());
    try {
      s3.store(target).put(key, Json.bytes(input.lease()), "application/json");
      log.info("lease {}: {} backups until {}", key, input.lease().backupIds().size(),
          input.lease().expiresAt());
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, target, "write lease " + key);
    }
  }

  @Override
  public void releaseLease(ReleaseLeaseInput input) {
    StorageTarget target = input.storage();
    String key = BackupKeys.leaseKey(target, input.holder());
    try {
      s3.client(target).deleteObject(b -> b.bucket(target.bucket()).key(key));
      log.info("lease {} released", key);
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, target, "delete lease " + key);
    }
  }

  @Override
  public LeaseSet listLeases(StorageTarget target) {
    try {
      return leases(s3.store(target));
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, target, "read the leases");
    }
  }

  /** Every lease object under {@code PREFIX/leases/}; see {@link #readJson} for read errors. */
  public static LeaseSet leases(BackupStore store) {
    List<BackupLease> leases = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (BackupStore.ObjectInfo o : store.list(BackupKeys.leasesFolder(store.target()))) {
      if (!o.key().endsWith(".json")) {
        continue;
      }
      readJson(store, o, BackupLease.class, "lease", StorageActivitiesImpl::isLease)
          .ifPresentOrElse(leases::add, () -> unreadable.add(o.key()));
    }
    return new LeaseSet(leases, unreadable);
  }

  @Override
  public int deleteObjects(DeleteObjectsInput input) {
    if (input.keys().isEmpty()) {
      return 0;
    }
    StorageTarget target = input.storage();
    try {
      List<ObjectIdentifier> ids =
          input.keys().stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
      DeleteObjectsResponse r =
          s3.client(target)
              .deleteObjects(
                  b -> b.bucket(target.bucket()).delete(Delete.builder().objects(ids).quiet(true).build()));
      if (r.hasErrors() && !r.errors().isEmpty()) {
        var first = r.errors().get(0);
        throw DrError.STORAGE_UNAVAILABLE.failure(
            r.errors().size() + " of " + ids.size() + " deletions failed, first: " + first.key()
                + ": " + first.code() + " " + first.message());
      }
      return ids.size();
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, target, "delete " + input.keys().size() + " objects");
    }
  }

  @Override
  public int abortStaleUploads(AbortUploadsInput input) {
    StorageTarget target = input.storage();
    try {
      int aborted = 0;
      var pages =
          s3.client(target)
              .listMultipartUploadsPaginator(
                  b -> b.bucket(target.bucket()).prefix(BackupKeys.root(target)));
      for (MultipartUpload u : pages.uploads()) {
        if (u.initiated() != null && u.initiated().isBefore(input.olderThan())) {
          s3.client(target)
              .abortMultipartUpload(
                  b -> b.bucket(target.bucket()).key(u.key()).uploadId(u.uploadId()));
          aborted++;
        }
      }
      return aborted;
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, target, "abort stale multipart uploads");
    }
  }

  @Override
  public VerifyBackupResult verifyBackup(VerifyBackupInput input) {
    StorageTarget target = input.storage();
    try {
      return new BackupVerifier(s3.store(target)).verify(input.backupId());
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, target, "verify backup " + input.backupId());
    }
  }
}
