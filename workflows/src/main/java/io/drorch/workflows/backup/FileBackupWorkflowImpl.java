package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.files.ArchiveFilesInput;
import io.drorch.workflows.files.ArchiveFilesResult;
import io.drorch.workflows.files.FileActivities;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.workflow.Workflow;
import java.time.Instant;

public class FileBackupWorkflowImpl implements FileBackupWorkflow {
  private final FileActivities files = ActivityStubs.longRunning(FileActivities.class);
  private final StorageActivities storage = ActivityStubs.quick(StorageActivities.class);

  @Override
  public BackupResult backup(FileBackupInput input) {
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

    ArchiveFilesResult archive =
        files.archiveToStorage(new ArchiveFilesInput(backupId, input.files(), input.storage()));

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
    return BackupCommit.commit(storage, input.storage(), manifest);
  }
}
