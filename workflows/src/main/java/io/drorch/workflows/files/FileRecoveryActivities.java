package io.drorch.workflows.files;

import io.drorch.workflows.contracts.commands.RestoreFilesInput;
import io.drorch.workflows.contracts.commands.SwapDirectoryInput;
import io.drorch.workflows.contracts.values.RestoreFilesResult;
import io.drorch.workflows.contracts.values.SwapDirectoryResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The file recovery's side effects. The live directory is only touched by {@link #swapDirectory}. */
@ActivityInterface
public interface FileRecoveryActivities {

  /**
   * Downloads the archive and its listing, checks both against the manifest (CHECKSUM_MISMATCH,
   * non-retryable), extracts into a fresh staging directory beside the target — rejecting
   * absolute paths, {@code ..} escapes, links pointing outside and device files (UNSAFE_ARCHIVE,
   * non-retryable; nothing is written outside staging) — and verifies every entry against the
   * listing, returning the staging tree's fingerprint. Heartbeats bytes. Idempotent: an earlier
   * partial staging directory is replaced.
   */
  @ActivityMethod
  RestoreFilesResult restoreToStaging(RestoreFilesInput input);

  /**
   * Renames the live directory (if any) to {@code keepAs}, then the staging directory to the
   * live path. Idempotent.
   */
  @ActivityMethod
  SwapDirectoryResult swapDirectory(SwapDirectoryInput input);
}
