package io.drorch.workflows.contracts.commands;

/**
 * {@code dr drill cleanup DRILL}: remove a drill's scratch targets now, asked by {@code by} (a
 * record, not a bare string, so the payload codec encrypts it like every other payload).
 */
public record CleanNowRequest(String by) {}
