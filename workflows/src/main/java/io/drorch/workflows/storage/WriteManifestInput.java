package io.drorch.workflows.storage;

import io.drorch.workflows.backup.BackupManifest;
import io.drorch.workflows.plan.StorageTarget;

public record WriteManifestInput(StorageTarget storage, BackupManifest manifest) {}
