package io.drorch.workflows.contracts.plan;

import java.time.Duration;
import java.util.List;

/**
 * How recoveries run.
 *
 * @param workDir directory on the worker's host for downloaded backups
 * @param restoreJobs parallel jobs of {@code pg_restore -j}
 * @param integrityChecks SQL queries that must each return a single true after the restore
 * @param onUnanswered what happens when nobody answers after the last escalation level:
 *     {@code remind} (keep waiting, remind every {@code reminderInterval}) or {@code abort}
 */
public record RecoverySettings(
    String workDir,
    int restoreJobs,
    List<String> integrityChecks,
    String onUnanswered,
    Duration reminderInterval) {

  public boolean abortWhenUnanswered() {
    return "abort".equalsIgnoreCase(onUnanswered);
  }
}
