package io.drorch.workflows.postgres;

import io.drorch.workflows.plan.DatabaseTarget;
import io.drorch.workflows.plan.StorageTarget;

public record DumpDatabaseInput(String backupId, DatabaseTarget database, StorageTarget storage) {}
