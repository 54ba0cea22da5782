package io.drorch.workflows.restoretest;

import io.drorch.workflows.contracts.commands.CleanupScratchInput;
import io.drorch.workflows.contracts.commands.RestoreTestInput;
import io.drorch.workflows.contracts.values.CleanupScratchResult;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Restore tests: a backup is proven restorable by restoring it into a scratch target (never a live
 * one: {@link ScratchTargets} refuses, SCRATCH_REFUSED non-retryable, before anything is touched)
 * and comparing what came back with its manifest. The verdict is returned, not stored: the caller
 * writes it with {@code StorageActivities.writeRestoreVerdict}.
 *
 * <p>A definite answer about the BACKUP is a verdict: VERIFIED_BY_RESTORE, or FAILED_RESTORE with
 * the reason (checksum mismatch on download, data gone, refused or unreadable archive, row counts or
 * files that differ). Trouble of the MACHINERY is thrown and retried like any activity failure
 * (database or S3 unreachable, pg_restore failing, missing tools, permissions): after the retries
 * the caller decides whether that makes the backup FAILED_RESTORE ({@link RestoreVerdicts#failed}).
 *
 * <p>The live database and directory are only ever read (to find the server, owner and paths);
 * the scratch target is left in place for inspection until {@link #cleanupScratch}.
 */
@ActivityInterface
public interface RestoreTestActivities {

  /**
   * Downloads the database backup (checksum checked), {@code pg_restore}s it into the scratch
   * database {@code input.scratch()} — created marked as scratch, replacing an earlier attempt's
   * scratch database, never an unmarked one — and compares the exact row count of every table
   * with the manifest (and no table more). Heartbeats bytes. Idempotent: the same input ends in the
   * same scratch database and verdict (apart from times).
   */
  @ActivityMethod
  RestoreVerdict testDatabaseRestore(RestoreTestInput input);

  /**
   * Writes the scratch directory's marker, then downloads the file backup (checksums checked),
   * extracts it into the scratch directory {@code input.scratch()} (no path escapes) and verifies
   * every file against the listing. Heartbeats bytes. Idempotent: an earlier attempt's scratch
   * directory is replaced, an unmarked directory never.
   */
  @ActivityMethod
  RestoreVerdict testFilesRestore(RestoreTestInput input);

  /**
   * Drops the scratch database (FORCE) or removes the scratch directory and its marker, and the
   * test's downloads ({@code workDir/testId}). Refuses (SCRATCH_REFUSED) anything that is not a
   * marked scratch target. Idempotent: nothing left is {@code removed = false}.
   */
  @ActivityMethod
  CleanupScratchResult cleanupScratch(CleanupScratchInput input);
}
