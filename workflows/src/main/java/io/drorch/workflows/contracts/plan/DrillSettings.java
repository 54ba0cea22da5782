package io.drorch.workflows.contracts.plan;

import java.time.Duration;
import java.util.List;

/**
 * DR tests ({@code drills:} section): what a drill restores, how long the scratch targets of a
 * failed drill are kept for inspection, and which backups are proven restorable right after they
 * commit. The drill's schedule is {@link ScheduleSettings#drill()}. Missing values: the defaults
 * of {@link PlanDefaults#drills}.
 *
 * @param scope what a drill restores when {@code dr drill run} gives no {@code --scope}:
 *     {@code database}, {@code files} (lowercase names of {@code RecoveryScope})
 * @param keepFailedFor scratch targets of a failed drill are kept this long, then removed
 * @param verifyByRestore which backups a child restores into scratch right after they commit
 */
public record DrillSettings(
    List<String> scope, Duration keepFailedFor, VerifyByRestore verifyByRestore) {}
