package io.drorch.activities.storage;

import io.drorch.activities.common.Json;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.AbortUploadsInput;
import io.drorch.workflows.contracts.commands.DeleteObjectsInput;
import io.drorch.workflows.contracts.commands.VerifyBackupInput;
import io.drorch.workflows.contracts.commands.WriteManifestInput;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.StoredBackup.DataState;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.StoredObject;
import io.drorch.workflows.contracts.values.VerifyBackupResult;
import io.drorch.workflows.storage.StorageActivities;
import java.io.IOException;
import java.util.ArrayList;
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

  /** Reads every manifest and object under the prefix (used by the activity and the CLI). */
  public static BackupCatalog catalog(BackupStore store) {
    Map<String, BackupStore.ObjectInfo> objects = new HashMap<>();
    for (BackupKind kind : BackupKind.values()) {
      for (BackupStore.ObjectInfo o : store.list(BackupKeys.folder(store.target(), kind))) {
        objects.put(o.key(), o);
      }
    }
    List<StoredBackup> backups = new ArrayList<>();
    Set<String> referenced = new HashSet<>();
    Map<String, Optional<BackupManifest>> manifests = readManifests(store, objects.keySet());
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
      backups.add(new StoredBackup(m, o.key(), state));
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

  private static Map<String, Optional<BackupManifest>> readManifests(BackupStore store,
      java.util.Collection<String> keys) {
    List<String> manifestKeys = keys.stream()
        .filter(k -> k.endsWith(BackupKeys.MANIFEST_SUFFIX)).sorted().toList();
    Map<String, Optional<BackupManifest>> out = new java.util.concurrent.ConcurrentHashMap<>();
    if (manifestKeys.size() <= 1) {
      manifestKeys.forEach(k -> out.put(k, parse(store, k)));
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
        futures.add(pool.submit(() -> out.put(k, parse(store, k))));
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

  private static Optional<BackupManifest> parse(BackupStore store, String key) {
    try {
      return store.readSmall(key).map(b -> {
        try {
          return Json.read(b, BackupManifest.class);
        } catch (IOException e) {
          log.warn("manifest {} is not readable JSON: {}", key, e.getMessage());
          return null;
        }
      });
    } catch (RuntimeException e) {
      if (e instanceof software.amazon.awssdk.services.s3.model.S3Exception) {
        throw e;
      }
      log.warn("manifest {} could not be read: {}", key, e.toString());
      return Optional.empty();
    }
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
