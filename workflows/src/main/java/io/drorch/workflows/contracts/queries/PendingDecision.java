package io.drorch.workflows.contracts.queries;

import io.drorch.workflows.contracts.values.DecisionKind;
import java.time.Instant;
import java.util.List;

/** A decision the recovery is waiting for, at its current escalation level. */
public record PendingDecision(
    String step,
    DecisionKind kind,
    String description,
    int level,
    String levelName,
    List<String> approvers,
    Instant openedAt,
    Instant escalatesAt) {}
