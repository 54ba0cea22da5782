package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;

/** Which backup to verify: its id (the kind follows from the id's prefix). */
public record VerifyBackupInput(StorageTarget storage, String backupId) {}
