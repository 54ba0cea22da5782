package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;

/** Input of {@code DatabaseBackupWorkflow}: the plan's database and storage sections. */
public record DatabaseBackupInput(
    String application, DatabaseTarget database, StorageTarget storage, String requestedBy) {}
