package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.ArchiveFilesInput;
import io.drorch.workflows.contracts.commands.FileBackupInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.ArchiveFilesResult;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.files.FileActivities;
import io.drorch.workflows.plan.Plans;
import io.temporal.workflow.Workflow;
import java.time.Instant;

public class FileBackupWorkflowImpl implements FileBackupWorkflow {
  @Override
  public BackupResult backup(FileBackupInput input) {
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_BACKUP_FILES);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "load-plan");
    DrPlan plan = Plans.load().plan();
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "archive");
    Inputs.check("worker's plan")
        .require(plan.files() != null, "files section is missing")
        .require(plan.storage() != null, "storage section is missing")
        .orFail();
    Inputs.check("worker's plan")
        .notBlank(plan.files().uploadsDir(), "files.uploads")
        .notBlank(plan.storage().bucket(), "storage.bucket")
        .orFail();

    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String backupId = BackupKeys.newBackupId(BackupKind.FILES, now, Workflow.getInfo().getRunId());
    Workflow.getLogger(FileBackupWorkflowImpl.class)
        .info("file backup {} of {} starting (requested by {})", backupId,
            plan.files().uploadsDir(), input == null ? null : input.requestedBy());
    // the summaries only (Web UI): the activity itself reads files.compression
    String ext = "zstd".equalsIgnoreCase(plan.files().compression()) ? ".tar.zst" : ".tar.gz";
    Workflow.setCurrentDetails("**File backup** " + backupId + ": " + plan.files().uploadsDir()
        + " as " + ext.substring(1) + " → " + BackupKeys.url(plan.storage(),
            BackupKeys.folder(plan.storage(), BackupKind.FILES)));
    ArchiveFilesResult archive = ActivityStubs.longRunning(FileActivities.class,
            ext.substring(1) + " " + plan.files().uploadsDir() + " to " + BackupKeys.url(
                plan.storage(), BackupKeys.dataKey(plan.storage(), BackupKind.FILES, backupId,
                    ext, 1)))
        .archiveToStorage(new ArchiveFilesInput(backupId, plan.files(), plan.storage()));

    BackupManifest manifest =
        new BackupManifest(
            BackupManifest.FORMAT_VERSION,
            backupId,
            BackupKind.FILES,
            plan.application(),
            archive.dataKey(),
            archive.format(),
            archive.sizeBytes(),
            archive.sha256(),
            archive.startedAt(),
            archive.finishedAt(),
            Workflow.getInfo().getWorkflowId(),
            null,
            archive.details());
    return BackupCommit.commit(plan, manifest);
  }
}
