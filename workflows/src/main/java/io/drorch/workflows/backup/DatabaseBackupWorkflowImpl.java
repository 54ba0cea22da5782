package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.DatabaseBackupInput;
import io.drorch.workflows.contracts.commands.DumpDatabaseInput;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.DumpDatabaseResult;
import io.drorch.workflows.postgres.PostgresActivities;
import io.temporal.workflow.Workflow;
import java.time.Instant;

public class DatabaseBackupWorkflowImpl implements DatabaseBackupWorkflow {
  @Override
  public BackupResult backup(DatabaseBackupInput input) {
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_BACKUP_DATABASE);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "dump");
    Inputs.check("database backup input")
        .require(input != null && input.database() != null, "database section is missing")
        .require(input != null && input.storage() != null, "storage section is missing")
        .orFail();
    Inputs.check("database backup input")
        .notBlank(input.database().host(), "database.host")
        .notBlank(input.database().name(), "database.name")
        .notBlank(input.storage().bucket(), "storage.bucket")
        .orFail();

    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String backupId =
        BackupKeys.newBackupId(BackupKind.DATABASE, now, Workflow.getInfo().getRunId());
    Workflow.getLogger(DatabaseBackupWorkflowImpl.class)
        .info("database backup {} of {} starting", backupId, input.database().name());

    DumpDatabaseResult dump = ActivityStubs.longRunning(PostgresActivities.class,
            "pg_dump " + input.database().name() + " to " + BackupKeys.url(input.storage(),
                BackupKeys.dataKey(input.storage(), BackupKind.DATABASE, backupId,
                    "zstd".equalsIgnoreCase(input.database().compression()) ? ".dump.zst"
                        : ".dump", 1)))
        .dumpToStorage(new DumpDatabaseInput(backupId, input.database(), input.storage()));

    BackupManifest manifest =
        new BackupManifest(
            BackupManifest.FORMAT_VERSION,
            backupId,
            BackupKind.DATABASE,
            input.application(),
            dump.dataKey(),
            dump.format(),
            dump.sizeBytes(),
            dump.sha256(),
            dump.startedAt(),
            dump.finishedAt(),
            Workflow.getInfo().getWorkflowId(),
            dump.details(),
            null);
    return BackupCommit.commit(input.storage(), manifest);
  }
}
