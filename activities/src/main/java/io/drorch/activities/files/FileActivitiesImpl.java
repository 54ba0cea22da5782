package io.drorch.activities.files;

import io.drorch.activities.common.Heartbeats;
import io.drorch.activities.postgres.PgTools;
import io.drorch.activities.storage.BackupStore;
import io.drorch.activities.storage.HashingUpload;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageErrors;
import io.drorch.activities.storage.UploadedObject;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.ArchiveFilesInput;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.ArchiveFilesResult;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.FileBackupDetails;
import io.drorch.workflows.files.FileActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.Deflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The uploads directory to S3: {@link TarArchiver} → {@link ParallelGzipOutputStream} (or, with
 * {@code files.compression: zstd}, {@link ZstdOutputStream}) → {@link HashingUpload}, all
 * streaming, then the listing (spooled to a temp file meanwhile) beside it.
 * Idempotent in effect: each attempt writes under its own keys ({@code .attemptN}), and an
 * attempt that fails aborts its multipart uploads, so nothing partial ever becomes an object.
 */
public class FileActivitiesImpl implements FileActivities {
  /** The format of gzip archives (see {@link FileCompression} for every format). */
  public static final String FORMAT = FileCompression.GZIP.format;
  private static final Logger log = LoggerFactory.getLogger(FileActivitiesImpl.class);

  private final S3Clients s3;
  private final int compressionThreads;

  public FileActivitiesImpl(S3Clients s3) {
    this(s3, ParallelGzipOutputStream.DEFAULT_THREADS);
  }

  public FileActivitiesImpl(S3Clients s3, int compressionThreads) {
    this.s3 = s3;
    this.compressionThreads = compressionThreads;
  }

  @Override
  public ArchiveFilesResult archiveToStorage(ArchiveFilesInput input) {
    if (input == null || input.files() == null || input.storage() == null
        || input.backupId() == null || input.backupId().isBlank()) {
      throw DrError.BAD_INPUT.failure(
          "archiveToStorage needs a backup id, the files section and the storage section");
    }
    FileCompression compression = FileCompression.of(input.files().compression());
    Path root = uploadsRoot(input.files().uploadsDir());
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    int attempt = ctx.getInfo().getAttempt();
    StorageTarget storage = input.storage();
    java.nio.file.Path zstd = compression == FileCompression.ZSTD
        ? PgTools.fromEnvironment().systemBinary("zstd", FileCompression.ZSTD_HINT) : null;
    String dataKey = BackupKeys.dataKey(storage, BackupKind.FILES, input.backupId(),
        compression.extension, attempt);
    String listingKey = BackupKeys.listingKey(storage, input.backupId(), attempt);
    Instant startedAt = Instant.now();
    BackupStore store = s3.store(storage);

    Path listingFile;
    try {
      listingFile = Files.createTempFile("drorch-listing-", ".jsonl");
    } catch (IOException e) {
      throw DrError.ARCHIVE_FAILED.failure("Cannot create the temporary listing file in "
          + System.getProperty("java.io.tmpdir") + " on host " + host() + ": " + e, e);
    }
    try {
      ArchiveSummary summary;
      UploadedObject archive;
      try (OutputStream listingOut = Files.newOutputStream(listingFile);
          ListingEntry.Writer listing = new ListingEntry.Writer(listingOut);
          HashingUpload upload = store.openUpload(dataKey, compression.contentType)) {
        if (zstd == null) {
          // the S3 parts are sent from another thread, so tar and compression never wait for a
          // part upload unless 16 MiB of compressed data are already queued
          AsyncOutputStream toS3 = new AsyncOutputStream(upload, 16, "upload-" + dataKey);
          ParallelGzipOutputStream gzip =
              new ParallelGzipOutputStream(toS3, compressionThreads,
                  ParallelGzipOutputStream.DEFAULT_BLOCK_SIZE, Deflater.DEFAULT_COMPRESSION);
          try {
            summary = TarArchiver.write(root, gzip, listing, heartbeats());
            gzip.finish();
            toS3.finish();
          } finally {
            gzip.abort(); // no-op after finish; on failure it stops the threads, writes nothing
            toS3.abort();
          }
        } else {
          ZstdOutputStream z;
          try {
            z = new ZstdOutputStream(zstd, upload, compressionThreads, 3);
          } catch (IOException e) {
            throw DrError.TOOL_MISSING.failure("cannot run " + zstd + ": " + e.getMessage()
                + ". " + FileCompression.ZSTD_HINT, e);
          }
          try {
            summary = TarArchiver.write(root, z, listing, heartbeats());
            z.finish();
          } finally {
            z.abort(); // after finish: nothing left to stop; on failure: nothing more is written
          }
        }
        archive = upload.complete();
      } // closing an upload that did not complete aborts it
      UploadedObject listingObject;
      try (InputStream in = Files.newInputStream(listingFile);
          HashingUpload upload = store.openUpload(listingKey, "application/x-ndjson")) {
        in.transferTo(upload);
        listingObject = upload.complete();
      }
      Instant finishedAt = Instant.now();
      log.info("archived {}: {} files, {} dirs, {} symlinks, {} skipped, {} bytes -> {} ({} bytes"
              + " {}) in {} ms", root, summary.files(), summary.directories(),
          summary.symlinks(), summary.skipped(), summary.totalBytes(), dataKey,
          archive.sizeBytes(), compression.format, finishedAt.toEpochMilli()
              - startedAt.toEpochMilli());
      return new ArchiveFilesResult(
          archive.key(),
          compression.format,
          archive.sizeBytes(),
          archive.sha256(),
          startedAt,
          finishedAt,
          new FileBackupDetails(root.toString(), listingObject.key(), listingObject.sha256(),
              summary.files(), summary.totalBytes()));
    } catch (ArchiveException e) {
      throw archiveFailure(e, input);
    } catch (SdkException | IOException e) {
      throw StorageErrors.translate(e, storage, "upload the file archive");
    } finally {
      try {
        Files.deleteIfExists(listingFile);
      } catch (IOException e) {
        log.warn("could not delete temp listing {}: {}", listingFile, e.toString());
      }
    }
  }

  /** The uploads directory as a real path, or a non-retryable UPLOADS_DIR_MISSING. */
  static Path uploadsRoot(String uploadsDir) {
    if (uploadsDir == null || uploadsDir.isBlank()) {
      throw DrError.UPLOADS_DIR_MISSING.failure(
          "No uploads directory is configured: set files.uploads in dr-plan.yaml to the"
              + " absolute path of the application's uploads directory on host " + host() + ".");
    }
    Path p = Path.of(uploadsDir);
    if (!p.isAbsolute()) {
      throw DrError.UPLOADS_DIR_MISSING.failure(
          "The uploads directory '" + uploadsDir + "' is not an absolute path: set files.uploads"
              + " in dr-plan.yaml to the absolute path of the uploads directory on host "
              + host() + ".");
    }
    try {
      return TarArchiver.checkRoot(p);
    } catch (ArchiveException e) {
      throw DrError.UPLOADS_DIR_MISSING.failure(
          "Cannot back up the uploads directory: " + e.getMessage() + " on worker host "
              + host() + ". Fix files.uploads in dr-plan.yaml, or run the worker on the host"
              + " (and as a user) that can read the uploads directory.",
          e);
    }
  }

  private static ApplicationFailure archiveFailure(ArchiveException e, ArchiveFilesInput input) {
    return switch (e.reason()) {
      case ROOT_MISSING -> DrError.UPLOADS_DIR_MISSING.failure(
          "Cannot back up the uploads directory: " + e.getMessage() + " on worker host " + host()
              + ". Fix files.uploads in dr-plan.yaml.", e);
      case CHANGED -> DrError.ARCHIVE_FAILED.failure(
          e.getMessage() + ". The next attempt archives it again under a fresh key; if this"
              + " repeats, back up at a quieter time (files.uploads is being written to).", e);
      // retrying cannot fix permissions: same type, but marked non-retryable
      case UNREADABLE -> ApplicationFailure.newNonRetryableFailureWithCause(
          e.getMessage() + " (host " + host() + "). Give the worker's user read access to "
              + input.files().uploadsDir() + " and everything below it.",
          DrError.ARCHIVE_FAILED.name(), e);
      case READ_FAILED -> DrError.ARCHIVE_FAILED.failure(e.getMessage(), e);
    };
  }

  private static TarArchiver.Progress heartbeats() {
    Heartbeats.Throttle throttle = Heartbeats.throttle();
    return (bytesRead, entries) -> throttle.beat(() -> new ArchiveProgress(bytesRead, entries));
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? "(unknown host)" : env;
    }
  }
}
