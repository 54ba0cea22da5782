package io.drorch.workflows.contracts.values;

import java.time.Instant;

/** A preventive measure of a post-mortem: what, who, by when, and whether it is implemented. */
public record ActionItem(
    int number, String text, String owner, Instant due, boolean done, String recordedBy,
    Instant doneAt) {}
