package io.drorch.workflows.contracts.commands;

/**
 * Input of {@code FileBackupWorkflow}: who asked. The uploads directory and storage come from the
 * worker's plan.
 */
public record FileBackupInput(String requestedBy) {}
