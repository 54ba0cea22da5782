package io.drorch.activities.files;

import io.drorch.activities.storage.S3Clients;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.RestoreFilesInput;
import io.drorch.workflows.contracts.commands.RestoreTestInput;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.values.RestoreFilesResult;
import io.drorch.workflows.restoretest.ScratchTargets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore test's scratch directory: checked with {@link ScratchTargets} (never the live
 * directory, a path around it or inside it; never an existing directory without our marker), its
 * marker file written BEFORE the directory is created, then filled by the recovery's own restore
 * (download, checksums, safe extraction, every file verified against the listing). Removed only
 * when its marker is there.
 */
public final class ScratchDirectory {
  private static final Logger log = LoggerFactory.getLogger(ScratchDirectory.class);

  private final FileRecoveryActivitiesImpl restore;

  public ScratchDirectory(S3Clients s3) {
    this.restore = new FileRecoveryActivitiesImpl(s3);
  }

  /**
   * Restores the backup into {@code in.scratch()} and verifies every file against the listing.
   * Throws the restore's failures (CHECKSUM_MISMATCH also for a tree that differs from its
   * listing, UNSAFE_ARCHIVE, BACKUP_NOT_FOUND, RESTORE_FAILED) and SCRATCH_REFUSED.
   */
  public RestoreFilesResult restoreAndVerify(RestoreTestInput in) {
    FilesTarget live = in.liveFiles();
    Path scratch = checked(live, in.scratch());
    Path marker = Path.of(ScratchTargets.directoryMarker(scratch.toString()));
    try {
      Files.createDirectories(scratch.getParent());
      if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
        Files.writeString(marker, "dr-orchestrator scratch directory " + scratch + " of restore"
            + " test " + in.testId() + " (live: " + live.uploadsDir() + ")\n",
            StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw DrError.RESTORE_FAILED.failure("Cannot write the scratch marker " + marker + ": " + e,
          e);
    }
    return restore.restoreExactly(new RestoreFilesInput(in.testId(), live, scratch.toString(),
        in.storage(), in.backup(), in.workDir()));
  }

  /**
   * Removes the scratch directory and its marker when the marker is there.
   *
   * @return false when neither is left (already removed)
   */
  public boolean remove(FilesTarget live, String scratchDir) {
    Path scratch = checked(live, scratchDir);
    Path marker = Path.of(ScratchTargets.directoryMarker(scratch.toString()));
    boolean exists = Files.exists(scratch, LinkOption.NOFOLLOW_LINKS);
    boolean marked = Files.exists(marker, LinkOption.NOFOLLOW_LINKS);
    try {
      if (exists) {
        SafeExtractor.deleteTree(scratch);
      }
      Files.deleteIfExists(marker);
    } catch (IOException e) {
      throw DrError.RESTORE_FAILED.failure("Cannot remove scratch directory " + scratch + ": " + e,
          e);
    }
    if (exists) {
      log.info("removed scratch directory {}", scratch);
    }
    return exists || marked;
  }

  /** The scratch path after every refusal rule: pure ones, then what is on disk. */
  private static Path checked(FilesTarget live, String scratchDir) {
    if (live == null || live.uploadsDir() == null) {
      throw DrError.BAD_INPUT.failure("a scratch directory needs the plan's uploads directory");
    }
    refuse(ScratchTargets.directoryRefusal(live.uploadsDir(), scratchDir));
    Path scratch = Path.of(scratchDir).normalize();
    if (Files.isSymbolicLink(scratch)) {
      refuse("scratch directory " + scratch + " is a symbolic link");
    }
    Path marker = Path.of(ScratchTargets.directoryMarker(scratch.toString()));
    refuse(ScratchTargets.existingDirectoryRefusal(scratch.toString(),
        Files.exists(scratch, LinkOption.NOFOLLOW_LINKS),
        Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)));
    return scratch;
  }

  private static void refuse(String why) {
    if (why != null) {
      throw DrError.SCRATCH_REFUSED.failure("Refused: " + why + ". Nothing was touched.");
    }
  }
}
