package io.drorch.activities.files;

import io.drorch.activities.common.Heartbeats;
import io.drorch.activities.storage.BackupDownload;
import io.drorch.activities.storage.BackupStore;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageErrors;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.RestoreFilesInput;
import io.drorch.workflows.contracts.commands.SwapDirectoryInput;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.RestoreFilesResult;
import io.drorch.workflows.contracts.values.SwapDirectoryResult;
import io.drorch.workflows.files.FileRecoveryActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Restores a file backup beside the live uploads directory, then swaps it in.
 *
 * <p>{@link #restoreToStaging}: archive and listing are downloaded into {@code
 * workDir/<incident>/} with {@link BackupDownload} (a complete, matching earlier download is
 * reused), extracted by {@link SafeExtractor} into a fresh staging directory (any earlier one is
 * deleted first), and checked by {@link TreeVerifier} against the listing. On any failure the
 * staging directory is gone; the downloads are kept for the retry (and, for a refused archive,
 * for inspection), and deleted after success.
 *
 * <p>{@link #swapDirectory}: two renames on one file system, each atomic; every state between and
 * after them is recognised, so a retry finishes or confirms the swap.
 */
public class FileRecoveryActivitiesImpl implements FileRecoveryActivities {
  private static final Logger log = LoggerFactory.getLogger(FileRecoveryActivitiesImpl.class);
  private static final int MAX_PROBLEMS_IN_MESSAGE = 5;

  private final S3Clients s3;
  /** This host's task queue, returned by a restore so the swap is sent here (null: none). */
  private final String hostQueue;

  public FileRecoveryActivitiesImpl(S3Clients s3) {
    this(s3, null);
  }

  public FileRecoveryActivitiesImpl(S3Clients s3, String hostQueue) {
    this.s3 = s3;
    this.hostQueue = hostQueue;
  }

  @Override
  public RestoreFilesResult restoreToStaging(RestoreFilesInput input) {
    int attempt = Heartbeats.context().map(c -> c.getInfo().getAttempt()).orElse(1);
    return restoreAttempt(input, attempt);
  }

  /**
   * Attempt {@code attempt}: extracts into its own staging directory {@code stagingDir.a<N>},
   * fenced by a lock file beside it ({@code .a<N>.lock}, holding the attempt's id) for as long as
   * it runs (TARGET_BUSY when another attempt holds it). The staging directories of earlier
   * attempts are deleted only when their lock can be taken: an earlier attempt that still runs
   * is never disturbed.
   */
  public RestoreFilesResult restoreAttempt(RestoreFilesInput input, int attempt) {
    BackupManifest m = checkInput(input);
    Path target = absolute(input.target().uploadsDir(), "files.uploads");
    Path base = absolute(input.stagingDir(), "the staging directory");
    Path staging = FileFence.attemptPath(base, attempt);
    checkStagingPlace(target, staging);
    checkStagingPlace(target, base);
    try (FileFence fence = FileFence.take(staging, "restore attempt " + attempt + " of "
        + m.backupId())) {
      for (Path busy : FileFence.deleteAbandoned(base, staging)) {
        log.warn("staging {} is held by an earlier attempt still running: left alone", busy);
      }
      return restoreInto(input, m, target, staging);
    }
  }

  /**
   * Restores into exactly {@code input.stagingDir()} (no per-attempt name: a restore test's
   * scratch directory, which its cleanup removes by that name), fenced while it runs.
   */
  public RestoreFilesResult restoreExactly(RestoreFilesInput input) {
    BackupManifest m = checkInput(input);
    Path target = absolute(input.target().uploadsDir(), "files.uploads");
    Path dir = absolute(input.stagingDir(), "the scratch directory");
    checkStagingPlace(target, dir);
    try (FileFence fence = FileFence.take(dir, "a restore of " + m.backupId() + " into " + dir)) {
      return restoreInto(input, m, target, dir);
    }
  }

  private RestoreFilesResult restoreInto(RestoreFilesInput input, BackupManifest m, Path target,
      Path staging) {
    Path work = absolute(input.workDir(), "recovery.workDir").resolve(safeName(input.incidentId()));
    FileCompression compression = FileCompression.ofFormat(m.format());
    Path zstd = compression == FileCompression.ZSTD
        ? io.drorch.activities.postgres.PgTools.fromEnvironment()
            .systemBinary("zstd", FileCompression.ZSTD_HINT) : null;
    Path archive = work.resolve(safeName(m.backupId()) + compression.extension);
    Path listing = work.resolve(safeName(m.backupId()) + ".listing.jsonl");
    Beat beat = new Beat();
    long started = System.nanoTime();

    try {
      SafeExtractor.deleteTree(staging); // an earlier attempt's partial (or complete) staging
      Files.createDirectories(staging.getParent());
      checkSameFileSystem(target, staging);
    } catch (IOException e) {
      throw restoreFailed("prepare the staging directory " + staging, e);
    }

    BackupStore store = s3.store(input.storage());
    try {
      BackupDownload.toFile(store, m.dataKey(), m.sizeBytes(), m.sha256(), archive,
          beat.phase("download-archive", m.sizeBytes()));
      String listingKey = m.files().listingKey();
      // the manifest holds the listing's SHA-256, not its size: the size is the stored one
      long listingSize = store.head(listingKey).orElseThrow(() -> DrError.BACKUP_NOT_FOUND.failure(
          "The listing " + listingKey + " of backup " + m.backupId() + " is missing from bucket '"
              + input.storage().bucket() + "': the backup cannot be verified; pick another"
              + " with `dr backups list`.")).sizeBytes();
      BackupDownload.toFile(store, listingKey, listingSize, m.files().listingSha256(), listing,
          beat.phase("download-listing", listingSize));
    } catch (SdkException e) {
      throw StorageErrors.translate(e, input.storage(), "download backup " + m.backupId());
    } catch (UncheckedIOException e) {
      throw restoreFailed("download backup " + m.backupId() + " into " + work, e.getCause());
    }
    long downloaded = System.nanoTime();

    SafeExtractor.Summary extracted;
    BackupDownload.checkSpace(staging.getParent(), m.files().totalBytes(),
        "extract backup " + m.backupId() + " beside " + target);
    try {
      LongConsumer p = beat.phase("extract", m.files().totalBytes());
      extracted = zstd == null
          ? SafeExtractor.extractTarGz(archive, staging, (bytes, entries) -> p.accept(bytes))
          : SafeExtractor.extractTarZst(archive, zstd, staging, (bytes, entries) -> p.accept(bytes));
    } catch (UnsafeArchiveException e) {
      log.warn("refused backup {}: {}", m.backupId(), e.getMessage());
      throw DrError.UNSAFE_ARCHIVE.failure("Backup " + m.backupId() + " (" + m.dataKey()
          + ") was refused and nothing of it is kept: entry '" + e.entry() + "' " + e.reason()
          + ". Its checksum matched the manifest, so the archive was stored like this: treat"
          + " the backup bucket as compromised and investigate; the archive is kept at "
          + archive + " on host " + host() + " for inspection.", e);
    } catch (SafeExtractor.CorruptArchiveException e) {
      throw DrError.CHECKSUM_MISMATCH.failure("Backup " + m.backupId() + " (" + m.dataKey()
          + ") matches its manifest's checksum but is not a readable " + compression.extension
          + ": " + e.getMessage()
          + ". The backup was broken when it was made; pick another backup.", e);
    } catch (IOException e) {
      throw restoreFailed("extract backup " + m.backupId() + " into " + staging, e);
    }
    long extractedAt = System.nanoTime();

    TreeVerifier.Result verified;
    try {
      verified = TreeVerifier.verify(staging, listing,
          beat.phase("verify", m.files().totalBytes()));
    } catch (IOException | UncheckedIOException e) {
      deleteQuietly(staging);
      throw restoreFailed("verify the restored tree " + staging, e);
    }
    if (!verified.ok()) {
      deleteQuietly(staging);
      String first = String.join("; ",
          verified.problems().subList(0, Math.min(MAX_PROBLEMS_IN_MESSAGE,
              verified.problems().size())));
      throw DrError.CHECKSUM_MISMATCH.failure("The tree restored from backup " + m.backupId()
          + " does not match its listing (" + verified.problemCount() + " problem"
          + (verified.problemCount() == 1 ? "" : "s") + "): " + first
          + (verified.problemCount() > MAX_PROBLEMS_IN_MESSAGE ? "; …" : "")
          + ". The staging directory was deleted; pick another backup.");
    }
    String marker = SwapMarker.text(input.incidentId(), m.backupId(), m.files().listingSha256());
    try {
      SwapMarker.write(staging, marker);
    } catch (IOException e) {
      deleteQuietly(staging);
      throw restoreFailed("write the marker into " + staging, e);
    }
    deleteQuietly(archive);
    deleteQuietly(listing);
    long done = System.nanoTime();
    log.info("restored backup {} into {}: {} files, {} dirs, {} symlinks, {} bytes; download {} ms,"
            + " extract {} ms, verify {} ms", m.backupId(), staging, extracted.files(),
        extracted.directories(), extracted.symlinks(), extracted.bytes(),
        (downloaded - started) / 1_000_000, (extractedAt - downloaded) / 1_000_000,
        (done - extractedAt) / 1_000_000);
    return new RestoreFilesResult(staging.toString(), m.backupId(), verified.files(),
        verified.bytes(), verified.entries(), verified.fingerprint(), hostQueue, marker);
  }

  @Override
  public SwapDirectoryResult swapDirectory(SwapDirectoryInput input) {
    if (input == null) {
      throw DrError.BAD_INPUT.failure("swapDirectory needs the target, staging and keep-as paths");
    }
    Path target = absolute(input.target(), "the target directory");
    Path staging = absolute(input.stagingDir(), "the staging directory");
    Path keepAs = absolute(input.keepAs(), "the keep-as directory");
    if (target.equals(staging) || target.equals(keepAs) || staging.equals(keepAs)) {
      throw DrError.BAD_INPUT.failure("swapDirectory needs three different paths, got target "
          + target + ", staging " + staging + ", keep-as " + keepAs);
    }
    try (FileFence fence = FileFence.take(Path.of(target + ".swap"), "a swap into " + target)) {
      if (input.expectedFingerprint() != null
          && Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
        reverify(staging, input.expectedFingerprint());
      }
      if (input.marker() != null) {
        proveStagingOrSwapped(target, staging, input.marker());
      }
      return swap(target, staging, keepAs);
    }
  }

  /**
   * With a marker, nothing is inferred: staging must carry it, or (staging gone) the target must
   * carry it, which proves an earlier attempt swapped; else STAGING_NOT_HERE (e.g. the swap runs
   * on a host other than the one that restored staging).
   */
  private static void proveStagingOrSwapped(Path target, Path staging, String marker) {
    if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
      if (!SwapMarker.carries(staging, marker)) {
        throw DrError.STAGING_NOT_HERE.failure("The staging directory " + staging + " on host "
            + host() + " does not carry this recovery's marker (" + SwapMarker.NAME + ": "
            + marker.strip().replace('\n', ',') + "): it is not the restored copy that was"
            + " approved. Nothing was swapped; restore again.");
      }
      return;
    }
    if (!SwapMarker.carries(target, marker)) {
      throw DrError.STAGING_NOT_HERE.failure("The staging directory " + staging + " does not"
          + " exist on host " + host() + ", and " + target + " does not carry this recovery's"
          + " marker (" + SwapMarker.NAME + "), so the swap was not done either: the restore ran"
          + " on another host, or staging was deleted. Nothing was swapped; restore again (the"
          + " swap must run on the host that restored staging).");
    }
  }

  /** The staging tree's fingerprint now must be the one its approval was bound to. */
  private static void reverify(Path staging, String expected) {
    String now;
    try {
      now = TreeFingerprint.of(staging);
    } catch (IOException | UncheckedIOException e) {
      throw restoreFailed("re-verify " + staging + " before the swap", e);
    }
    if (!expected.equals(now)) {
      throw DrError.COPY_CHANGED.failure("The restored tree " + staging + " changed after it was"
          + " verified and approved (fingerprint " + expected + " then, " + now + " now): not"
          + " swapped, the live directory untouched. It is restored and verified again, and the"
          + " approvers are asked again.");
    }
  }

  private static SwapDirectoryResult swap(Path target, Path staging, Path keepAs) {
    boolean stagingExists = Files.exists(staging, LinkOption.NOFOLLOW_LINKS);
    boolean targetExists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
    boolean keepExists = Files.exists(keepAs, LinkOption.NOFOLLOW_LINKS);
    try {
      if (!stagingExists) {
        if (targetExists) {
          // done earlier: the restored tree is live (the old one at keep-as, or there was none)
          log.info("swap {} already done (staging {} is gone)", target, staging);
          return new SwapDirectoryResult(target.toString(), keepExists ? keepAs.toString() : null);
        }
        throw ApplicationFailure.newNonRetryableFailure("Cannot swap in " + staging + ": it does"
            + " not exist and neither does " + target + ". Restore the backup again"
            + " (restoreToStaging) before swapping.", DrError.RESTORE_FAILED.name());
      }
      if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
        throw DrError.BAD_INPUT.failure("The staging path " + staging + " is not a directory.");
      }
      String kept = null;
      if (targetExists) {
        if (keepExists) {
          throw DrError.SWAP_CONFLICT.failure("Cannot keep the live directory " + target + " as "
              + keepAs + ": that path already exists. Move it away (or choose another name),"
              + " then retry; nothing was changed.");
        }
        move(target, keepAs);
        kept = keepAs.toString();
      } else if (keepExists) {
        kept = keepAs.toString(); // an earlier attempt moved the old tree away, then stopped
      }
      move(staging, target);
      syncDirectory(target.getParent());
      log.info("swapped {} into {} (old one: {})", staging, target, kept);
      return new SwapDirectoryResult(target.toString(), kept);
    } catch (AtomicMoveNotSupportedException e) {
      throw DrError.BAD_INPUT.failure("Cannot rename atomically between " + e.getFile() + " and "
          + e.getOtherFile() + ": they are on different file systems. The staging and keep-as"
          + " directories must be beside the target (same file system).", e);
    } catch (AccessDeniedException e) {
      throw ApplicationFailure.newNonRetryableFailureWithCause("Cannot swap " + staging + " into "
          + target + ": permission denied on " + e.getFile() + " (host " + host() + "). Give the"
          + " worker's user write access to " + target.getParent() + ".",
          DrError.RESTORE_FAILED.name(), e);
    } catch (IOException e) {
      throw restoreFailed("swap " + staging + " into " + target, e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Makes the renames durable; best effort (not every file system can sync a directory). */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      log.debug("cannot sync directory {}: {}", dir, e.toString());
    }
  }

  private static BackupManifest checkInput(RestoreFilesInput in) {
    if (in == null || in.backup() == null || in.target() == null || in.storage() == null
        || in.stagingDir() == null || in.workDir() == null || in.incidentId() == null
        || in.incidentId().isBlank()) {
      throw DrError.BAD_INPUT.failure("restoreToStaging needs the incident id, the files target,"
          + " the staging and work directories, the storage section and the backup manifest");
    }
    BackupManifest m = in.backup();
    if (m.kind() != BackupKind.FILES || m.files() == null || m.dataKey() == null
        || m.sha256() == null || m.files().listingKey() == null
        || m.files().listingSha256() == null) {
      throw DrError.BAD_INPUT.failure("Backup " + m.backupId() + " is not a file backup with an"
          + " archive, a listing and their checksums (kind " + m.kind() + ").");
    }
    FileCompression.ofFormat(m.format()); // BAD_INPUT for a format this worker cannot read
    return m;
  }

  private static Path absolute(String path, String what) {
    if (path == null || path.isBlank() || !Path.of(path).isAbsolute()) {
      throw DrError.BAD_INPUT.failure(what + " must be an absolute path on the worker's host, got '"
          + path + "'");
    }
    return Path.of(path).normalize();
  }

  /** Staging is neither the target nor inside it nor around it, and not the file system root. */
  private static void checkStagingPlace(Path target, Path staging) {
    if (staging.getParent() == null || target.getParent() == null
        || staging.startsWith(target) || target.startsWith(staging)) {
      throw DrError.BAD_INPUT.failure("The staging directory " + staging + " must be beside the"
          + " target " + target + " (e.g. " + target + ".restore-INC-1), not the same, inside"
          + " or around it.");
    }
  }

  /** Staging must be renamable onto the target: same device as the target (or its parent). */
  private static void checkSameFileSystem(Path target, Path staging) throws IOException {
    Path existing = target;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    Object targetDev = Files.getAttribute(existing, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    Object stagingDev = Files.getAttribute(staging.getParent(), "unix:dev");
    if (!targetDev.equals(stagingDev)) {
      throw DrError.BAD_INPUT.failure("The staging directory " + staging + " is on another file"
          + " system than " + existing + ": it must be beside the target so the swap is one"
          + " atomic rename.");
    }
  }

  /** A path-safe name for ids used as file names. */
  private static String safeName(String id) {
    String s = id.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" + s : s;
  }

  private static ApplicationFailure restoreFailed(String action, Throwable e) {
    if (e instanceof ApplicationFailure af) {
      return af;
    }
    if (e instanceof AccessDeniedException ad) {
      return ApplicationFailure.newNonRetryableFailureWithCause("Cannot " + action
          + ": permission denied on " + ad.getFile() + " (host " + host() + ", user "
          + System.getProperty("user.name") + "). Give the worker's user write access there.",
          DrError.RESTORE_FAILED.name(), e);
    }
    return DrError.RESTORE_FAILED.failure("Cannot " + action + " on host " + host() + ": " + e
        + ". The next attempt starts again from a fresh staging directory.", e);
  }

  private static void deleteQuietly(Path p) {
    try {
      SafeExtractor.deleteTree(p);
    } catch (IOException | RuntimeException e) {
      log.warn("could not delete {}: {}", p, e.toString());
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? "(unknown host)" : env;
    }
  }

  /** Throttled heartbeats with the phase; a no-op outside an activity. */
  private static final class Beat {
    private final Heartbeats.Throttle throttle = Heartbeats.throttle();

    LongConsumer phase(String name, long total) {
      throttle.now(new RestoreProgress(name, 0, total));
      return bytes -> throttle.beat(() -> new RestoreProgress(name, bytes, total));
    }
  }
}
