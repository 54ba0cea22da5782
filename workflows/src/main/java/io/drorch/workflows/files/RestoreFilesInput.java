package io.drorch.workflows.files;

import io.drorch.workflows.backup.BackupManifest;
import io.drorch.workflows.plan.FilesTarget;
import io.drorch.workflows.plan.StorageTarget;

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
