package io.drorch.workflows.contracts.plan;

import java.time.Duration;

/**
 * Cron expressions (5 fields, in {@code timezone}) for the recurring jobs, applied as Temporal
 * Schedules by {@code dr schedules apply}.
 */
public record ScheduleSettings(
    String timezone,
    String databaseBackup,
    String fileBackup,
    String retention,
    Duration catchupWindow) {}
