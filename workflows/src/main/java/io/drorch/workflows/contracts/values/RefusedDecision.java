package io.drorch.workflows.contracts.values;

import java.time.Instant;

/**
 * A decision that reached the recovery and was refused (the status query and the report list the
 * last 50). Update callers are told at once and leave no trace in the workflow; Signals cannot
 * answer back, so their refusals are recorded here.
 *
 * @param approver who the decision claimed to be from (unverified)
 * @param via {@code signal}, {@code early signal} (kept until its step opened) or {@code signal to
 *     child} (sent straight to a child recovery, not through the gate)
 */
public record RefusedDecision(
    String approver, String step, String verdict, String reason, Instant at, String via) {}
