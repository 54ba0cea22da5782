package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.DatabaseBackupInput;
import io.drorch.workflows.contracts.commands.DumpDatabaseInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.DumpDatabaseResult;
import io.drorch.workflows.plan.Plans;
import io.drorch.workflows.postgres.PostgresActivities;
import io.temporal.workflow.Workflow;
import java.time.Instant;

public class DatabaseBackupWorkflowImpl implements DatabaseBackupWorkflow {
  @Override
  public BackupResult backup(DatabaseBackupInput input) {
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_BACKUP_DATABASE);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "load-plan");
    DrPlan plan = Plans.load().plan();
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "dump");
    Inputs.check("worker's plan")
        .require(plan.database() != null, "database section is missing")
        .require(plan.storage() != null, "storage section is missing")
        .orFail();
    Inputs.check("worker's plan")
        .notBlank(plan.database().host(), "database.host")
        .notBlank(plan.database().name(), "database.name")
        .notBlank(plan.storage().bucket(), "storage.bucket")
        .orFail();

    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String backupId =
        BackupKeys.newBackupId(BackupKind.DATABASE, now, Workflow.getInfo().getRunId());
    Workflow.getLogger(DatabaseBackupWorkflowImpl.class)
        .info("database backup {} of {} starting (requested by {})", backupId,
            plan.database().name(), input == null ? null : input.requestedBy());
    Workflow.setCurrentDetails("**Database backup** " + backupId + ": pg_dump of "
        + plan.database().name() + "@" + plan.database().host() + " → "
        + BackupKeys.url(plan.storage(), BackupKeys.folder(plan.storage(), BackupKind.DATABASE)));

    DumpDatabaseResult dump = ActivityStubs.longRunning(PostgresActivities.class,
            "pg_dump " + plan.database().name() + " to " + BackupKeys.url(plan.storage(),
                BackupKeys.dataKey(plan.storage(), BackupKind.DATABASE, backupId,
                    "zstd".equalsIgnoreCase(plan.database().compression()) ? ".dump.zst"
                        : ".dump", 1)))
        .dumpToStorage(new DumpDatabaseInput(backupId, plan.database(), plan.storage()));

    BackupManifest manifest =
        new BackupManifest(
            BackupManifest.FORMAT_VERSION,
            backupId,
            BackupKind.DATABASE,
            plan.application(),
            dump.dataKey(),
            dump.format(),
            dump.sizeBytes(),
            dump.sha256(),
            dump.startedAt(),
            dump.finishedAt(),
            Workflow.getInfo().getWorkflowId(),
            dump.details(),
            null);
    return BackupCommit.commit(plan, manifest);
  }
}
