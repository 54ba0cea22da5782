package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.contracts.commands.BaseBackupInput;
import io.drorch.workflows.contracts.commands.PgBackRestBackupInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.BaseBackupResult;
import io.drorch.workflows.pitr.PitrActivities;
import io.drorch.workflows.plan.Plans;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

public class BaseBackupWorkflowImpl implements BaseBackupWorkflow {
  /** No worker of the database host took the backup in this long: it fails. */
  static final Duration DATABASE_HOST_SCHEDULE_TO_START = Duration.ofHours(1);
  @Override
  public BackupResult backup(BaseBackupInput input) {
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_BACKUP_BASE);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "load-plan");
    DrPlan plan = Plans.load().plan();
    String type = input == null || input.type() == null ? "diff"
        : input.type().strip().toLowerCase(Locale.ROOT);
    Inputs.check("input")
        .require(type.equals("full") || type.equals("diff"),
            "type must be full or diff, not '" + type + "'")
        .orFail();
    Inputs.check("worker's plan")
        .require(plan.database() != null, "database section is missing")
        .require(plan.storage() != null, "storage section is missing")
        .orFail();
    Inputs.check("worker's plan")
        .require(plan.database().pitr() != null, "database.pitr is missing: base backups need"
            + " point-in-time recovery set up (README, 'Point-in-time recovery'; dr pitr setup)")
        .orFail();

    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String backupId = BackupKeys.newBackupId(BackupKind.BASE, now, Workflow.getInfo().getRunId());
    String queue = TaskQueues.databaseHost(Workflow.getInfo().getTaskQueue(),
        plan.database().host());
    String repo = "s3://" + plan.storage().bucket() + "/" + BackupKeys.root(plan.storage())
        + "pgbackrest";
    Workflow.setCurrentDetails("**Base backup** " + backupId + ": pgbackrest backup --type=" + type
        + " of stanza " + plan.database().pitr().stanza() + " on " + plan.database().host()
        + " → " + repo);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "pgbackrest-backup");
    BaseBackupResult r = ActivityStubs.longRunningOn(PitrActivities.class,
            "pgbackrest backup --type=" + type + " (stanza " + plan.database().pitr().stanza()
                + ") on the database host → " + repo, queue, DATABASE_HOST_SCHEDULE_TO_START)
        .baseBackup(new PgBackRestBackupInput(backupId, type, plan.database(), plan.storage()));

    BackupManifest manifest = new BackupManifest(
        BackupManifest.FORMAT_VERSION,
        backupId,
        BackupKind.BASE,
        plan.application(),
        r.dataKey(),
        "pgbackrest-" + r.details().type(),
        r.sizeBytes(),
        r.sha256(),
        r.startedAt(),
        r.finishedAt(),
        Workflow.getInfo().getWorkflowId(),
        null,
        null,
        r.details());
    return BackupCommit.commit(plan.storage(), manifest);
  }
}
