package io.drorch.workflows.contracts.commands;

/**
 * Input of {@code DatabaseBackupWorkflow}: who asked. The database and storage come from the
 * worker's plan.
 */
public record DatabaseBackupInput(String requestedBy) {}
