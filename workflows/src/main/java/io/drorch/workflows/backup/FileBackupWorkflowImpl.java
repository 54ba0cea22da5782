package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.ArchiveFilesInput;
import io.drorch.workflows.contracts.commands.FileBackupInput;
import io.drorch.workflows.contracts.values.ArchiveFilesResult;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.files.FileActivities;
import io.temporal.workflow.Workflow;
import java.time.Instant;

public class FileBackupWorkflowImpl implements FileBackupWorkflow {
  @Override
  public BackupResult backup(FileBackupInput input) {
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_BACKUP_FILES);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "archive");
    Inputs.check("file backup input")
        .require(input != null && input.files() != null, "files section is missing")
        .require(input != null && input.storage() != null, "storage section is missing")
        .orFail();
    Inputs.check("file backup input")
        .notBlank(input.files().uploadsDir(), "files.uploads")
        .notBlank(input.storage().bucket(), "storage.bucket")
        .orFail();

    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String backupId = BackupKeys.newBackupId(BackupKind.FILES, now, Workflow.getInfo().getRunId());
    Workflow.getLogger(FileBackupWorkflowImpl.class)
        .info("file backup {} of {} starting", backupId, input.files().uploadsDir());

    // the activity summary only (Web UI): the activity itself reads files.compression
    String ext = "zstd".equalsIgnoreCase(input.files().compression()) ? ".tar.zst" : ".tar.gz";
    ArchiveFilesResult archive = ActivityStubs.longRunning(FileActivities.class,
            ext.substring(1) + " " + input.files().uploadsDir() + " to " + BackupKeys.url(
                input.storage(), BackupKeys.dataKey(input.storage(), BackupKind.FILES, backupId,
                    ext, 1)))
        .archiveToStorage(new ArchiveFilesInput(backupId, input.files(), input.storage()));

    BackupManifest manifest =
        new BackupManifest(
            BackupManifest.FORMAT_VERSION,
            backupId,
            BackupKind.FILES,
            input.application(),
            archive.dataKey(),
            archive.format(),
            archive.sizeBytes(),
            archive.sha256(),
            archive.startedAt(),
            archive.finishedAt(),
            Workflow.getInfo().getWorkflowId(),
            null,
            archive.details());
    return BackupCommit.commit(input.storage(), manifest);
  }
}
