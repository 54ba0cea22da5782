package io.drorch.starter.backup;

import io.drorch.workflows.backup.DatabaseBackupWorkflow;
import io.drorch.workflows.backup.FileBackupWorkflow;
import io.drorch.workflows.backup.RetentionWorkflow;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.contracts.commands.DatabaseBackupInput;
import io.drorch.workflows.contracts.commands.FileBackupInput;
import io.drorch.workflows.contracts.commands.RetentionInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Starting backup and retention workflows from the plan: the one place their workflow ids,
 * inputs and UI summaries are made (used by the CLI, the Schedules and the local demo).
 */
public final class BackupRuns {
  public static final String DATABASE_ID = "backup-db";
  public static final String FILES_ID = "backup-files";
  public static final String RETENTION_ID = "retention";

  private BackupRuns() {}

  public static DatabaseBackupInput databaseInput(DrPlan plan, String requestedBy) {
    return new DatabaseBackupInput(plan.application(), plan.database(), plan.storage(), requestedBy);
  }

  public static FileBackupInput fileInput(DrPlan plan, String requestedBy) {
    return new FileBackupInput(plan.application(), plan.files(), plan.storage(), requestedBy);
  }

  public static RetentionInput retentionInput(DrPlan plan) {
    return new RetentionInput(plan.storage(), plan.notifications());
  }

  public static String databaseSummary(DrPlan plan) {
    return "Database backup: pg_dump of " + plan.database().name() + "@" + plan.database().host()
        + " → s3://" + plan.storage().bucket() + "/" + plan.storage().prefix() + "/database/";
  }

  public static String filesSummary(DrPlan plan) {
    return "File backup: " + plan.files().uploadsDir() + " as tar.gz → s3://"
        + plan.storage().bucket() + "/" + plan.storage().prefix() + "/files/";
  }

  public static String retentionSummary(DrPlan plan) {
    return "Retention: delete backups older than " + plan.storage().retentionDays()
        + " days (never the newest valid or verified one, a leased or locked one) in s3://" + plan.storage().bucket() + "/"
        + plan.storage().prefix();
  }

  /** Workflow options for a run started now (schedules append their own time to the id). */
  public static WorkflowOptions options(String idBase, String summary, Instant now) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(idBase + "-" + now.truncatedTo(ChronoUnit.SECONDS))
        .setTaskQueue(TaskQueues.DR)
        .setStaticSummary(summary)
        .build();
  }

  public static WorkflowStub startDatabase(WorkflowClient client, DrPlan plan, String requestedBy) {
    DatabaseBackupWorkflow wf =
        client.newWorkflowStub(DatabaseBackupWorkflow.class,
            options(DATABASE_ID, databaseSummary(plan), Instant.now()));
    WorkflowClient.start(wf::backup, databaseInput(plan, requestedBy));
    return WorkflowStub.fromTyped(wf);
  }

  public static WorkflowStub startFiles(WorkflowClient client, DrPlan plan, String requestedBy) {
    FileBackupWorkflow wf =
        client.newWorkflowStub(FileBackupWorkflow.class,
            options(FILES_ID, filesSummary(plan), Instant.now()));
    WorkflowClient.start(wf::backup, fileInput(plan, requestedBy));
    return WorkflowStub.fromTyped(wf);
  }

  public static WorkflowStub startRetention(WorkflowClient client, DrPlan plan) {
    RetentionWorkflow wf =
        client.newWorkflowStub(RetentionWorkflow.class,
            options(RETENTION_ID, retentionSummary(plan), Instant.now()));
    WorkflowClient.start(wf::sweep, retentionInput(plan));
    return WorkflowStub.fromTyped(wf);
  }

  public static BackupResult await(WorkflowStub run) {
    return run.getResult(BackupResult.class);
  }
}
