package io.drorch.workflows.files;

import io.drorch.workflows.plan.FilesTarget;
import io.drorch.workflows.plan.StorageTarget;

public record ArchiveFilesInput(String backupId, FilesTarget files, StorageTarget storage) {}
