package io.drorch.workflows.contracts.values;

import java.time.Instant;

/**
 * A decision taken: who, at which level (the level of the approver, not the request), what, when.
 * {@code approver} is "system" for automatic outcomes (abort after the last level, RTO breach).
 */
public record DecisionRecord(
    String step, String approver, int level, Verdict verdict, String comment, Instant at) {}
