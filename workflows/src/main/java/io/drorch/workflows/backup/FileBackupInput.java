package io.drorch.workflows.backup;

import io.drorch.workflows.plan.FilesTarget;
import io.drorch.workflows.plan.StorageTarget;

/** Input of {@link FileBackupWorkflow}: the plan's files and storage sections. */
public record FileBackupInput(
    String application, FilesTarget files, StorageTarget storage, String requestedBy) {}
