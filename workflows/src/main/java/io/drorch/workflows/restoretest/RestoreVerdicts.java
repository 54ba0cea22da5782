package io.drorch.workflows.restoretest;

import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.RestoreTestOutcome;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Verdicts made by a caller (a workflow) rather than by the restore test activity itself. */
public final class RestoreVerdicts {
  private RestoreVerdicts() {}

  /**
   * FAILED_RESTORE for a backup whose restore test failed for good with an activity failure (e.g.
   * pg_restore kept failing): {@code reason} says how.
   */
  public static RestoreVerdict failed(BackupManifest backup, String workflowId, String scratch,
      String reason, Instant startedAt, Instant finishedAt) {
    return new RestoreVerdict(RestoreVerdict.FORMAT_VERSION, backup.backupId(), backup.kind(),
        RestoreTestOutcome.FAILED_RESTORE, reason, startedAt, finishedAt,
        Duration.between(startedAt, finishedAt).toMillis(), workflowId, scratch,
        "nothing: the restore did not complete", List.of(), null, List.of(reason));
  }
}
