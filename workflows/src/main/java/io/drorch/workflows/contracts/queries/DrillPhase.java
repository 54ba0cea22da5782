package io.drorch.workflows.contracts.queries;

/**
 * Where a drill is: a phase such as {@code restore}, {@code report}, {@code finished: PASSED} (a
 * record, not a bare string, so the payload codec encrypts it like every other payload).
 */
public record DrillPhase(String phase) {}
