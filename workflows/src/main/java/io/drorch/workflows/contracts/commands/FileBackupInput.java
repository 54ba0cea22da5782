package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;

/** Input of {@code FileBackupWorkflow}: the plan's files and storage sections. */
public record FileBackupInput(
    String application, FilesTarget files, StorageTarget storage, String requestedBy) {}
