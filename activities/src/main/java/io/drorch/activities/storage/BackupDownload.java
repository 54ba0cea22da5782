package io.drorch.activities.storage;

import io.drorch.workflows.common.DrError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Downloads a backup object to a local file and proves it is the one the manifest describes (size
 * and SHA-256), for every recovery (database and files).
 *
 * <p>Idempotent for activity retries: a complete earlier download whose size and SHA-256 match is
 * reused without touching S3; otherwise the object streams into {@code file + ".part"} (hashed on
 * the way, memory bounded) and is renamed to {@code file} only when it matches. So {@code file}
 * exists only when it is complete and verified; a half-written {@code .part} is simply overwritten
 * by the next attempt.
 */
public final class BackupDownload {
  static final int BUFFER = 1 << 20;

  private BackupDownload() {}

  /** What is on disk now. @param reused true when an earlier complete download was kept */
  public record Downloaded(Path file, long sizeBytes, String sha256, boolean reused) {}

  /**
   * @param progress bytes hashed or downloaded so far (e.g. {@code Heartbeats.bytesProgress()})
   * @throws io.temporal.failure.ApplicationFailure {@link DrError#CHECKSUM_MISMATCH}
   *     (non-retryable) naming the key, the expected and the actual size/SHA-256 when the stored
   *     object differs from the manifest (the bad download is deleted); {@link
   *     DrError#BACKUP_NOT_FOUND} when the object is missing; storage failures via {@link
   *     StorageErrors}
   */
  public static Downloaded toFile(BackupStore store, String key, long expectedSize,
      String expectedSha256, Path file, LongConsumer progress) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expectedSha256, "expectedSha256");
    Objects.requireNonNull(file, "file");
    LongConsumer p = progress == null ? b -> {} : progress;
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      if (Files.isRegularFile(file) && Files.size(file) == expectedSize) {
        String sha = hashFile(file, p);
        if (sha.equalsIgnoreCase(expectedSha256)) {
          return new Downloaded(file, expectedSize, sha, true);
        }
      }
      Files.deleteIfExists(file);
      // each attempt writes a part file of its own: a zombie attempt never writes what this reads
      Path part = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid()
          + "-" + Thread.currentThread().getId() + ".part");
      checkSpace(dir == null ? file.toAbsolutePath() : dir, expectedSize, "download " + key);
      boolean present;
      try {
        present = store.head(key).isPresent();
      } catch (software.amazon.awssdk.core.exception.SdkException e) {
        throw StorageErrors.translate(e, store.target(), "find " + key);
      }
      if (!present) {
        throw DrError.BACKUP_NOT_FOUND.failure(
            "Backup object " + key + " is missing from bucket '" + store.target().bucket()
                + "' although its manifest names it: the backup cannot be used; pick another"
                + " with `dr backups list`.");
      }
      MessageDigest md = Sha256.newDigest();
      long size = 0;
      byte[] buf = new byte[BUFFER];
      try (InputStream in = store.open(key);
          OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          md.update(buf, 0, n);
          size += n;
          p.accept(size);
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(part);
        if (e instanceof IOException io) {
          throw DrError.STORAGE_UNAVAILABLE.failure(
              "Downloading " + key + " to " + part + " failed after " + size + " bytes: "
                  + io.getMessage(), io);
        }
        if (e instanceof software.amazon.awssdk.core.exception.SdkException sdk) {
          throw StorageErrors.translate(sdk, store.target(), "download " + key);
        }
        throw (RuntimeException) e;
      }
      String sha = Sha256.hex(md);
      if (size != expectedSize || !sha.equalsIgnoreCase(expectedSha256)) {
        Files.deleteIfExists(part);
        throw DrError.CHECKSUM_MISMATCH.failure(
            "Backup object " + key + " in bucket '" + store.target().bucket() + "' does not match"
                + " its manifest: expected " + expectedSize + " bytes, SHA-256 " + expectedSha256
                + "; downloaded " + size + " bytes, SHA-256 " + sha + ". The stored backup is"
                + " corrupt or was replaced: do not restore it; pick another backup"
                + " (`dr backups list`, `dr backups verify`).");
      }
      try {
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return new Downloaded(file, size, sha, false);
    } catch (IOException e) {
      throw new UncheckedIOException("preparing " + file + " for " + key + " failed", e);
    }
  }

  /** Headroom kept free beyond what a download or an extraction needs. */
  public static final long SPACE_MARGIN = 64L << 20;

  /**
   * INSUFFICIENT_SPACE (nothing written) unless {@code dir}'s file system has {@code needed} bytes
   * plus {@link #SPACE_MARGIN} free for {@code what}.
   */
  public static void checkSpace(Path dir, long needed, String what) {
    long free;
    try {
      free = Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return; // cannot tell: the write itself reports a full disk
    }
    if (free < needed + SPACE_MARGIN) {
      throw DrError.INSUFFICIENT_SPACE.failure("Not enough free space to " + what + " in " + dir
          + ": it needs " + mib(needed) + " (plus " + mib(SPACE_MARGIN) + " headroom), "
          + mib(free) + " is free. Nothing was written. Free space there (`dr cleanup <incident>`"
          + " removes the copies and downloads of earlier recoveries) or point recovery.work-dir"
          + " at a larger file system, then RETRY.");
    }
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  /** SHA-256 of a local file, reporting bytes read. */
  public static String hashFile(Path file, LongConsumer progress) throws IOException {
    MessageDigest md = Sha256.newDigest();
    byte[] buf = new byte[BUFFER];
    long done = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
        done += n;
        progress.accept(done);
      }
    }
    return Sha256.hex(md);
  }
}
