package io.drorch.workflows.backup;

import io.drorch.workflows.plan.DatabaseTarget;
import io.drorch.workflows.plan.StorageTarget;

/** Input of {@link DatabaseBackupWorkflow}: the plan's database and storage sections. */
public record DatabaseBackupInput(
    String application, DatabaseTarget database, StorageTarget storage, String requestedBy) {}
