package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupLease;

public record WriteLeaseInput(StorageTarget storage, BackupLease lease) {}
