package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;

public record ArchiveFilesInput(String backupId, FilesTarget files, StorageTarget storage) {}
