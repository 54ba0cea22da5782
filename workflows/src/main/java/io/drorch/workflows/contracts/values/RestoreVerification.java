package io.drorch.workflows.contracts.values;

import java.time.Instant;

/**
 * A backup's restore-verification marker as the catalog carries it ({@link StoredBackup}): the
 * outcome, when and by which workflow. The marker itself ({@link RestoreVerdict}) holds the details.
 *
 * @param outcome null when the marker exists but cannot be read ({@code reason} says why)
 * @param reason null when verified; why the restore failed (or the marker is unreadable)
 */
public record RestoreVerification(
    RestoreTestOutcome outcome, Instant at, String workflowId, String reason) {

  public boolean verified() {
    return outcome == RestoreTestOutcome.VERIFIED_BY_RESTORE;
  }
}
