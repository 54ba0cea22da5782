package io.drorch.workflows.contracts.values;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The incident report: stored as Markdown and JSON next to the backups, and the result of the
 * recovery workflow.
 *
 * @param rpoAchieved per data kind ("database", "files"): incident time minus backup time
 * @param planSha256 the SHA-256 of the worker's plan file the recovery ran on
 * @param refusedDecisions decisions that were refused (who claimed, step, reason, time)
 * @param postmortem the post-mortem's answers (null until it is recorded: the report then ends
 *     with the unchecked post-recovery checklist)
 */
public record RecoveryReport(
    String incidentId,
    String application,
    List<RecoveryScope> scope,
    Tier tier,
    String requestedBy,
    Instant incidentAt,
    Instant startedAt,
    Instant finishedAt,
    Outcome outcome,
    String outcomeDetail,
    Duration rtoObjective,
    Duration rtoAchieved,
    Map<String, Duration> rpoObjective,
    Map<String, Duration> rpoAchieved,
    List<PhaseRecord> timeline,
    List<BackupUsed> backups,
    List<DecisionRecord> decisions,
    List<NotificationRecord> notifications,
    List<String> postRecoveryChecklist,
    String markdownKey,
    String jsonKey,
    String planSha256,
    List<RefusedDecision> refusedDecisions,
    Postmortem postmortem) {

  /** A report without a post-mortem (as the recovery writes it). */
  public RecoveryReport(String incidentId, String application, List<RecoveryScope> scope,
      Tier tier, String requestedBy, Instant incidentAt, Instant startedAt, Instant finishedAt,
      Outcome outcome, String outcomeDetail, Duration rtoObjective, Duration rtoAchieved,
      Map<String, Duration> rpoObjective, Map<String, Duration> rpoAchieved,
      List<PhaseRecord> timeline, List<BackupUsed> backups, List<DecisionRecord> decisions,
      List<NotificationRecord> notifications, List<String> postRecoveryChecklist,
      String markdownKey, String jsonKey, String planSha256,
      List<RefusedDecision> refusedDecisions) {
    this(incidentId, application, scope, tier, requestedBy, incidentAt, startedAt, finishedAt,
        outcome, outcomeDetail, rtoObjective, rtoAchieved, rpoObjective, rpoAchieved, timeline,
        backups, decisions, notifications, postRecoveryChecklist, markdownKey, jsonKey,
        planSha256, refusedDecisions, null);
  }

  /** The same report with its post-mortem. */
  public RecoveryReport withPostmortem(Postmortem p) {
    return new RecoveryReport(incidentId, application, scope, tier, requestedBy, incidentAt,
        startedAt, finishedAt, outcome, outcomeDetail, rtoObjective, rtoAchieved, rpoObjective,
        rpoAchieved, timeline, backups, decisions, notifications, postRecoveryChecklist,
        markdownKey, jsonKey, planSha256, refusedDecisions, p);
  }
}
