package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupManifest;

/**
 * @param stagingDir where to extract: beside the target, on the same file system
 * @param workDir where the archive is downloaded on the worker's host
 */
public record RestoreFilesInput(
    String incidentId,
    FilesTarget target,
    String stagingDir,
    StorageTarget storage,
    BackupManifest backup,
    String workDir) {}
