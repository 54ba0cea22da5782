package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.postgres.DumpDatabaseInput;
import io.drorch.workflows.postgres.DumpDatabaseResult;
import io.drorch.workflows.postgres.PostgresActivities;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.workflow.Workflow;
import java.time.Instant;

public class DatabaseBackupWorkflowImpl implements DatabaseBackupWorkflow {
  private final PostgresActivities postgres = ActivityStubs.longRunning(PostgresActivities.class);
  private final StorageActivities storage = ActivityStubs.quick(StorageActivities.class);

  @Override
  public BackupResult backup(DatabaseBackupInput input) {
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

    DumpDatabaseResult dump =
        postgres.dumpToStorage(new DumpDatabaseInput(backupId, input.database(), input.storage()));

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
    return BackupCommit.commit(storage, input.storage(), manifest);
  }
}
