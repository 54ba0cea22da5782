package io.drorch.workflows.contracts.plan;

import java.time.Duration;

/**
 * Cron expressions (5 fields, in {@code timezone}) for the recurring jobs, applied as Temporal
 * Schedules by {@code dr schedules apply}.
 *
 * @param drill the DR drill's cron ({@code null}: {@link PlanDefaults#DRILL_SCHEDULE}, quarterly)
 * @param rpoWatch how often the RPO watch runs ({@code schedules.rpo-watch}, an interval); null:
 *     no watch
 */
public record ScheduleSettings(
    String timezone,
    String databaseBackup,
    String fileBackup,
    String retention,
    Duration catchupWindow,
    String drill,
    Duration rpoWatch) {

  /** Settings without a drill schedule (the default, quarterly, applies) and without an RPO watch. */
  public ScheduleSettings(String timezone, String databaseBackup, String fileBackup,
      String retention, Duration catchupWindow) {
    this(timezone, databaseBackup, fileBackup, retention, catchupWindow, null, null);
  }
}
