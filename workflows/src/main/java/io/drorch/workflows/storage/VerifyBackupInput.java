package io.drorch.workflows.storage;

import io.drorch.workflows.plan.StorageTarget;

/** Which backup to verify: its id (the kind follows from the id's prefix). */
public record VerifyBackupInput(StorageTarget storage, String backupId) {}
