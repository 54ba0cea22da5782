package io.drorch.workflows.recovery;

/** How a recovery (or one of its parts) ended. */
public enum Outcome { RECOVERED, SKIPPED, ABORTED, FAILED }
