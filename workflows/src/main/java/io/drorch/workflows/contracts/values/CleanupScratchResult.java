package io.drorch.workflows.contracts.values;

/** @param removed false when there was nothing left to remove (a repeated cleanup) */
public record CleanupScratchResult(String scratch, boolean removed) {}
