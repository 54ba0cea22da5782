package io.drorch.workflows.contracts.values;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The result of a DR drill, stored as {@code PREFIX/drills/<drill-id>/drill-report.md} and
 * {@code .json}: what was restored into scratch, the achieved RTO (from the drill's start until
 * everything was restored and verified) and RPO (the age of the data restored) against the plan's
 * objectives, and what happens to the scratch targets.
 *
 * @param passed every part restored and verified, and the achieved RTO within its objective
 * @param rtoObjective the plan's critical RTO
 * @param rpoObjective per kind ({@code database}, {@code files}) as the plan states it
 * @param rpoAchieved per kind: the age of the data the drill restored
 * @param problems why the drill failed (empty when passed)
 * @param scratchKeptUntil null when the scratch targets were removed; else when they will be
 *     (a failed drill keeps them for inspection; {@code dr drill cleanup DRILL} removes them now)
 */
public record DrillReport(
    String drillId,
    String application,
    List<String> scope,
    String requestedBy,
    Instant startedAt,
    Instant finishedAt,
    boolean passed,
    Duration rtoObjective,
    Duration rtoAchieved,
    Map<String, Duration> rpoObjective,
    Map<String, Duration> rpoAchieved,
    List<DrillPart> parts,
    List<String> problems,
    List<NotificationRecord> notifications,
    Instant scratchKeptUntil,
    String markdownKey,
    String jsonKey,
    String planSha256) {

  /** The same report stored at these keys. */
  public DrillReport withKeys(String md, String json) {
    return new DrillReport(drillId, application, scope, requestedBy, startedAt, finishedAt, passed,
        rtoObjective, rtoAchieved, rpoObjective, rpoAchieved, parts, problems, notifications,
        scratchKeptUntil, md, json, planSha256);
  }
}
