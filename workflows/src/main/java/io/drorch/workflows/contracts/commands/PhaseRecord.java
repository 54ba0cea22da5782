package io.drorch.workflows.contracts.commands;

import java.time.Instant;

/** One step of the timeline. {@code state}: RUNNING, DONE, FAILED, SKIPPED, ABORTED. */
public record PhaseRecord(
    String name, String state, Instant startedAt, Instant finishedAt, String detail) {}
