package io.drorch.workflows.contracts.commands;

/** One tick of the RPO watch (started by the {@code dr-rpo-watch} schedule or {@code dr rpo --now}). */
public record RpoWatchInput(String requestedBy) {}
