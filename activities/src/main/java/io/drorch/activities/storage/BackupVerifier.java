package io.drorch.activities.storage;

import io.drorch.activities.common.Heartbeats;
import io.drorch.activities.common.Json;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.VerifyBackupResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Re-reads a backup from storage and checks it against its manifest: size and SHA-256 of the data
 * and, for file backups, of the listing. Used by the verify activity and by {@code dr backups
 * verify}; memory stays bounded whatever the size.
 */
public final class BackupVerifier {
  private final BackupStore store;
  private final LongConsumer progress;

  public BackupVerifier(BackupStore store) {
    this(store, Heartbeats.bytesProgress());
  }

  public BackupVerifier(BackupStore store, LongConsumer progress) {
    this.store = store;
    this.progress = progress;
  }

  public static BackupKind kindOf(String backupId) {
    for (BackupKind k : BackupKind.values()) {
      if (backupId.startsWith(k.idPrefix() + "-")) {
        return k;
      }
    }
    throw DrError.BAD_INPUT.failure(
        "'" + backupId + "' is not a backup id: ids start with 'db-' or 'files-'."
            + " List them with `dr backups list`.");
  }

  /** The manifest of a backup, or a BACKUP_NOT_FOUND failure naming the key looked for. */
  public BackupManifest manifest(String backupId) {
    String key = BackupKeys.manifestKey(store.target(), kindOf(backupId), backupId);
    byte[] json =
        store.readSmall(key)
            .orElseThrow(
                () ->
                    DrError.BACKUP_NOT_FOUND.failure(
                        "No manifest " + key + " in bucket '" + store.target().bucket()
                            + "': backup " + backupId + " does not exist or was never"
                            + " committed. List backups with `dr backups list`."));
    try {
      return Json.read(json, BackupManifest.class);
    } catch (IOException e) {
      throw DrError.BAD_INPUT.failure("Manifest " + key + " is not valid JSON: " + e.getMessage());
    }
  }

  public VerifyBackupResult verify(String backupId) {
    BackupManifest m = manifest(backupId);
    Optional<Digest> data = digest(m.dataKey());
    if (data.isEmpty()) {
      return result(m, -1, null, "data object " + m.dataKey() + " is missing");
    }
    Digest d = data.get();
    if (d.size() != m.sizeBytes()) {
      return result(m, d.size(), d.sha256(),
          "size differs: " + d.size() + " bytes stored, manifest says " + m.sizeBytes());
    }
    if (!d.sha256().equals(m.sha256())) {
      return result(m, d.size(), d.sha256(), "SHA-256 differs: the stored object is corrupt");
    }
    if (m.files() != null && m.files().listingKey() != null) {
      Optional<Digest> listing = digest(m.files().listingKey());
      if (listing.isEmpty()) {
        return result(m, d.size(), d.sha256(), "listing " + m.files().listingKey() + " is missing");
      }
      if (!listing.get().sha256().equals(m.files().listingSha256())) {
        return result(m, d.size(), d.sha256(), "listing " + m.files().listingKey() + " is corrupt");
      }
    }
    return result(m, d.size(), d.sha256(), null);
  }

  private static VerifyBackupResult result(BackupManifest m, long size, String sha, String problem) {
    return new VerifyBackupResult(
        m.backupId(), m.dataKey(), problem == null, m.sizeBytes(), size, m.sha256(), sha, problem);
  }

  record Digest(long size, String sha256) {}

  /** One GET: a missing object is an empty result, not a separate HEAD first. */
  private Optional<Digest> digest(String key) {
    MessageDigest md = Sha256.newDigest();
    long size = 0;
    byte[] buf = new byte[1 << 20];
    try (InputStream in = store.open(key)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
        size += n;
        progress.accept(size);
      }
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404 && !"NoSuchBucket".equals(StorageErrors.code(e))) {
        return Optional.empty();
      }
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + key + " failed", e);
    }
    return Optional.of(new Digest(size, Sha256.hex(md)));
  }
}
