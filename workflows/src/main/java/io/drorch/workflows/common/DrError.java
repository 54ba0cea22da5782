package io.drorch.workflows.common;

import io.temporal.failure.ApplicationFailure;

/**
 * Failure types of the orchestrator: the {@code type} of every {@link ApplicationFailure} we throw.
 * Non-retryable types are bad input or missing permissions: retrying cannot fix them.
 */
public enum DrError {
  BAD_INPUT(false),
  /** The worker's plan file is missing or no longer validates: a person must fix it. */
  PLAN_INVALID(false),
  DATABASE_UNREACHABLE(true),
  DATABASE_AUTH(false),
  DATABASE_NOT_FOUND(false),
  DUMP_FAILED(true),
  TOOL_MISSING(false),
  UPLOADS_DIR_MISSING(false),
  ARCHIVE_FAILED(true),
  BUCKET_MISSING(false),
  STORAGE_AUTH(false),
  STORAGE_UNAVAILABLE(true),
  MANIFEST_CONFLICT(false),
  CHECKSUM_MISMATCH(false),
  BACKUP_NOT_FOUND(false),
  /** pg_restore (or zstd before it) failed: a partial restored database is dropped on retry. */
  RESTORE_FAILED(true),
  /** A Flyway migration failed on the restored database: a person must fix the migration. */
  MIGRATION_FAILED(false),
  /** The restored database could not be checked (not: a check found a problem, that is data). */
  INTEGRITY_FAILED(true),
  /** A database rename cannot proceed (e.g. the keep-as name is taken): needs a person. */
  SWAP_CONFLICT(false),
  /** The deploy hook failed or timed out; a human decides (retry / skip / abort), not a retry policy. */
  APP_DEPLOY_FAILED(false),
  /** The application did not answer its health check as expected in time, or failed while monitored. */
  APP_UNHEALTHY(false),
  /** The environment file to restore is not where the plan says (file or S3 object missing). */
  ENV_SOURCE_MISSING(false),
  /** A notification channel failed; retried, and never fails a recovery. */
  NOTIFY_FAILED(true),
  /**
   * A file archive entry would land or point outside the staging directory, or is a device or
   * fifo: the archive is refused (staging deleted), never retried.
   */
  UNSAFE_ARCHIVE(false),
  /**
   * A scratch target (restore test, drill) would be, hold or sit inside a live database or
   * directory, or one of that name exists and is not a scratch target of ours: refused, never
   * retried, nothing touched.
   */
  SCRATCH_REFUSED(false),
  /**
   * A retention sweep stopped on an error (a manifest or listing that could not be read after
   * retries, S3 unreachable): nothing more was deleted. The next scheduled sweep tries again.
   */
  RETENTION_ABORTED(false),
  /**
   * A DR drill failed: a backup did not restore, differs from its manifest or its checks, or the
   * RTO was missed. The drill report says why; the scratch targets are kept for inspection.
   */
  DRILL_FAILED(false),
  /**
   * The database or directory this attempt would work on is held by another attempt that still
   * runs (its lock): this one gives way, nothing is touched, and it is retried.
   */
  TARGET_BUSY(true),
  /**
   * Not enough free space in the work directory (or beside the target) for the download or the
   * extraction: nothing was written; free space or point {@code recovery.workDir} elsewhere.
   */
  INSUFFICIENT_SPACE(false),
  /**
   * The restored copy no longer has the fingerprint its approval was bound to (changed between
   * the approval and the swap): not swapped; it is restored and verified again, and asked again.
   */
  COPY_CHANGED(false),
  /**
   * The staging directory is not on this host and the live directory does not carry this
   * recovery's marker (incident, backup, listing): nothing was swapped, and "already swapped" is
   * not assumed. The swap must run where staging was restored; restore again.
   */
  STAGING_NOT_HERE(false);

  private final boolean retryable;

  DrError(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The failure to throw from an activity: message says what is wrong and how to fix it. */
  public ApplicationFailure failure(String message, Throwable cause) {
    ApplicationFailure f =
        retryable
            ? ApplicationFailure.newFailureWithCause(message, name(), cause)
            : ApplicationFailure.newNonRetryableFailureWithCause(message, name(), cause);
    return f;
  }

  public ApplicationFailure failure(String message) {
    return failure(message, null);
  }

  /** Types that activity retry policies must not retry. */
  public static String[] nonRetryableTypes() {
    return java.util.Arrays.stream(values())
        .filter(e -> !e.retryable)
        .map(Enum::name)
        .toArray(String[]::new);
  }
}
