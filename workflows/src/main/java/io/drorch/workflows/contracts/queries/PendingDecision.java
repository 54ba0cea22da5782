package io.drorch.workflows.contracts.queries;

import io.drorch.workflows.contracts.values.DecisionKind;
import java.time.Instant;
import java.util.List;

/**
 * A decision the recovery is waiting for, at its current escalation level, and what exactly an
 * answer to it is about (a signed decision names the same backup and copy).
 *
 * @param backupId the backup the decision is about (null: none)
 * @param copyFingerprint the restored copy's fingerprint (null: none)
 * @param copyMadeAt when the copy was fingerprinted (null: none)
 * @param approvalsNeeded distinct approvers its APPROVE needs (the plan's min-approvers)
 * @param approvedBy those who approved so far (fewer than {@code approvalsNeeded})
 */
public record PendingDecision(
    String step,
    DecisionKind kind,
    String description,
    int level,
    String levelName,
    List<String> approvers,
    Instant openedAt,
    Instant escalatesAt,
    String backupId,
    String copyFingerprint,
    Instant copyMadeAt,
    int approvalsNeeded,
    List<String> approvedBy) {}
