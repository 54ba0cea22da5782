package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupManifest;

public record WriteManifestInput(StorageTarget storage, BackupManifest manifest) {}
