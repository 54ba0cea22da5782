package io.drorch.workflows.contracts.commands;

/**
 * Input of {@code RetentionWorkflow}: who asked. Bucket and retention days come from the worker's
 * plan.
 */
public record RetentionInput(String requestedBy) {}
