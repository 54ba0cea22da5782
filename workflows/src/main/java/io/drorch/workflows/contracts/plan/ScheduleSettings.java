package io.drorch.workflows.contracts.plan;

import java.time.Duration;

/**
 * Cron expressions (5 fields, in {@code timezone}) for the recurring jobs, applied as Temporal
 * Schedules by {@code dr schedules apply}. {@code drill}: the DR drill's ({@code null}: {@link
 * PlanDefaults#DRILL_SCHEDULE}, quarterly).
 */
public record ScheduleSettings(
    String timezone,
    String databaseBackup,
    String fileBackup,
    String retention,
    Duration catchupWindow,
    String drill) {

  /** Settings without a drill schedule (the default, quarterly, applies). */
  public ScheduleSettings(String timezone, String databaseBackup, String fileBackup,
      String retention, Duration catchupWindow) {
    this(timezone, databaseBackup, fileBackup, retention, catchupWindow, null);
  }
}
