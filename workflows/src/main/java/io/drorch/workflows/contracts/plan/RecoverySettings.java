package io.drorch.workflows.contracts.plan;

import java.time.Duration;
import java.util.List;

/**
 * How recoveries run.
 *
 * @param workDir directory on the worker's host for downloaded backups
 * @param restoreJobs parallel jobs of {@code pg_restore -j}
 * @param integrityChecks SQL queries that must each return a single true after the restore
 * @param onUnanswered what happens when nobody answers after the last escalation level
 */
public record RecoverySettings(
    String workDir,
    int restoreJobs,
    List<String> integrityChecks,
    OnUnanswered onUnanswered,
    Duration reminderInterval) {

  public boolean abortWhenUnanswered() {
    return onUnanswered == OnUnanswered.ABORT;
  }
}
