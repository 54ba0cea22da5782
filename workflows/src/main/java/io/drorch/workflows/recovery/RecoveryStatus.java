package io.drorch.workflows.recovery;

import io.drorch.workflows.approval.DecisionRecord;
import io.drorch.workflows.approval.PendingDecision;
import java.time.Instant;
import java.util.List;

/** What {@code dr status} and the {@code status} query show. */
public record RecoveryStatus(
    String incidentId,
    String phase,
    List<PhaseRecord> steps,
    List<PendingDecision> pending,
    List<DecisionRecord> decisions,
    Instant startedAt,
    Instant rtoDeadline,
    long secondsLeftToRto,
    Outcome outcome) {}
