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
 * @param restoreRole {@code pg_restore --no-owner --role=<it>} (null: the worker's user, keeping
 *     owners when it is a superuser)
 * @param keepCopies how long the kept copies ({@code _pre_}, {@code _restore_}, {@code .pre-},
 *     {@code .restore-}) and downloads of a recovery live before {@code dr cleanup} may remove
 *     them without {@code --force} (null: the default)
 */
public record RecoverySettings(
    String workDir,
    int restoreJobs,
    List<String> integrityChecks,
    OnUnanswered onUnanswered,
    Duration reminderInterval,
    String restoreRole,
    Duration keepCopies) {

  public RecoverySettings(String workDir, int restoreJobs, List<String> integrityChecks,
      OnUnanswered onUnanswered, Duration reminderInterval) {
    this(workDir, restoreJobs, integrityChecks, onUnanswered, reminderInterval, null, null);
  }

  public boolean abortWhenUnanswered() {
    return onUnanswered == OnUnanswered.ABORT;
  }
}
