package io.drorch.workflows.contracts.queries;

import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PhaseRecord;
import io.drorch.workflows.contracts.values.RefusedDecision;
import java.time.Instant;
import java.util.List;

/**
 * What {@code dr status} and the {@code status} query show.
 *
 * @param workflowId and {@code runId}: what a signed decision names
 * @param planSha256 the SHA-256 of the worker's plan file this recovery runs on (null until read)
 * @param refused decisions that were refused (the last 50): signals that could not count, early
 *     decisions that did not fit their request, doorbells rung at a child without the gate
 */
public record RecoveryStatus(
    String incidentId,
    String phase,
    List<PhaseRecord> steps,
    List<PendingDecision> pending,
    List<DecisionRecord> decisions,
    Instant startedAt,
    Instant rtoDeadline,
    long secondsLeftToRto,
    Outcome outcome,
    String workflowId,
    String runId,
    String planSha256,
    String requestedBy,
    List<RefusedDecision> refused) {}
