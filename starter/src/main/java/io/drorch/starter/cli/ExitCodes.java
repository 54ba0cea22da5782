package io.drorch.starter.cli;

import io.drorch.activities.plan.PlanException;
import io.drorch.activities.storage.StorageErrors;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;

/**
 * Exit codes of {@code dr}, documented in the README:
 *
 * <pre>
 *   0  success
 *   1  the operation ran and failed (a backup failed, a backup is not valid)
 *   2  usage error (unknown command or option; invalid payload keys)
 *   3  the plan file is missing or invalid
 *   4  a service is unreachable or refused us (Temporal, S3, PostgreSQL), also when a workflow
 *      failed because the worker could not reach it (DATABASE_UNREACHABLE, STORAGE_UNAVAILABLE)
 * </pre>
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int BAD_PLAN = 3;
  public static final int UNAVAILABLE = 4;

  private ExitCodes() {}

  /**
   * The failure types of a workflow or activity that mean a service could not be reached: exit 4
   * like a connection the CLI itself cannot make.
   */
  static final java.util.Set<String> UNREACHABLE_TYPES = java.util.Set.of(
      io.drorch.workflows.common.DrError.DATABASE_UNREACHABLE.name(),
      io.drorch.workflows.common.DrError.STORAGE_UNAVAILABLE.name());

  static int of(Throwable e) {
    if (e instanceof PlanException) {
      return BAD_PLAN;
    }
    if (StorageErrors.unreachable(e)) {
      return UNAVAILABLE;
    }
    if (e instanceof WorkflowFailedException || e instanceof ApplicationFailure) {
      ApplicationFailure af = Errors.applicationFailure(e);
      return af != null && UNREACHABLE_TYPES.contains(af.getType()) ? UNAVAILABLE : FAILED;
    }
    if (e instanceof UnavailableException) {
      return UNAVAILABLE;
    }
    if (e instanceof io.drorch.worker.codec.PayloadKeys.InvalidKeysException) {
      return USAGE;
    }
    return FAILED;
  }

  /** A service we need cannot be reached; the message says which and how to fix it. */
  public static final class UnavailableException extends RuntimeException {
    public UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
