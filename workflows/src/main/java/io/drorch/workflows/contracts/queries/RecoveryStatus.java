package io.drorch.workflows.contracts.queries;

import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PhaseRecord;
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
