package io.drorch.workflows.contracts.values;

/** How a recovery (or one of its parts) ended. */
public enum Outcome { RECOVERED, SKIPPED, ABORTED, FAILED }
