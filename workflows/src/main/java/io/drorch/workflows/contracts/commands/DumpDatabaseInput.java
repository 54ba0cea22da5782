package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;

public record DumpDatabaseInput(String backupId, DatabaseTarget database, StorageTarget storage) {}
