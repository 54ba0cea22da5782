package io.drorch.workflows.contracts.values;

import java.time.Instant;

/** One step of a recovery's timeline (also the payload a child sends its parent as it goes). */
public record PhaseRecord(
    String name, StepState state, Instant startedAt, Instant finishedAt, String detail) {}
