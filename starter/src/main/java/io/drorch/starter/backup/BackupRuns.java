package io.drorch.starter.backup;

import io.drorch.workflows.backup.BaseBackupWorkflow;
import io.drorch.workflows.backup.DatabaseBackupWorkflow;
import io.drorch.workflows.contracts.commands.BaseBackupInput;
import io.drorch.workflows.backup.FileBackupWorkflow;
import io.drorch.workflows.backup.RetentionWorkflow;
import io.drorch.workflows.contracts.commands.DatabaseBackupInput;
import io.drorch.workflows.contracts.commands.FileBackupInput;
import io.drorch.workflows.contracts.commands.RetentionInput;
import io.drorch.workflows.contracts.values.BackupResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Starting backup and retention workflows: the one place their workflow ids, inputs and UI
 * summaries are made (used by the CLI, the Schedules and the local demo). The inputs carry only
 * who asked: the worker polling the task queue backs up what its own plan names (the workflow
 * shows the database, directory and bucket in its current details).
 */
public final class BackupRuns {
  public static final String DATABASE_ID = "backup-db";
  public static final String FILES_ID = "backup-files";
  public static final String RETENTION_ID = "retention";
  public static final String BASE_ID = "backup-base";

  private BackupRuns() {}

  public static DatabaseBackupInput databaseInput(String requestedBy) {
    return new DatabaseBackupInput(requestedBy);
  }

  public static FileBackupInput fileInput(String requestedBy) {
    return new FileBackupInput(requestedBy);
  }

  public static RetentionInput retentionInput(String requestedBy) {
    return new RetentionInput(requestedBy);
  }

  public static BaseBackupInput baseInput(String type, String requestedBy) {
    return new BaseBackupInput(type, requestedBy);
  }

  public static String baseSummary(String type, String requestedBy) {
    return "Base backup: pgbackrest backup --type=" + type + " of the worker's plan database"
        + " (point-in-time recovery), requested by " + requestedBy;
  }

  public static WorkflowStub startBase(WorkflowClient client, String taskQueue, String type,
      String requestedBy) {
    BaseBackupWorkflow wf = client.newWorkflowStub(BaseBackupWorkflow.class,
        options(BASE_ID + "-" + type, baseSummary(type, requestedBy), Instant.now(), taskQueue));
    WorkflowClient.start(wf::backup, baseInput(type, requestedBy));
    return WorkflowStub.fromTyped(wf);
  }

  public static String databaseSummary(String requestedBy) {
    return "Database backup: pg_dump of the worker's plan database to S3, requested by "
        + requestedBy;
  }

  public static String filesSummary(String requestedBy) {
    return "File backup: the worker's plan uploads directory as tar.gz to S3, requested by "
        + requestedBy;
  }

  public static String retentionSummary(String requestedBy) {
    return "Retention: delete backups past the worker's plan retention (never the newest valid or"
        + " verified one, a leased or locked one), requested by " + requestedBy;
  }

  /** Workflow options for a run started now (schedules append their own time to the id). */
  public static WorkflowOptions options(String idBase, String summary, Instant now,
      String taskQueue) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(idBase + "-" + now.truncatedTo(ChronoUnit.SECONDS))
        .setTaskQueue(taskQueue)
        .setStaticSummary(summary)
        .build();
  }

  public static WorkflowStub startDatabase(WorkflowClient client, String taskQueue,
      String requestedBy) {
    DatabaseBackupWorkflow wf =
        client.newWorkflowStub(DatabaseBackupWorkflow.class,
            options(DATABASE_ID, databaseSummary(requestedBy), Instant.now(), taskQueue));
    WorkflowClient.start(wf::backup, databaseInput(requestedBy));
    return WorkflowStub.fromTyped(wf);
  }

  public static WorkflowStub startFiles(WorkflowClient client, String taskQueue,
      String requestedBy) {
    FileBackupWorkflow wf =
        client.newWorkflowStub(FileBackupWorkflow.class,
            options(FILES_ID, filesSummary(requestedBy), Instant.now(), taskQueue));
    WorkflowClient.start(wf::backup, fileInput(requestedBy));
    return WorkflowStub.fromTyped(wf);
  }

  public static WorkflowStub startRetention(WorkflowClient client, String taskQueue,
      String requestedBy) {
    RetentionWorkflow wf =
        client.newWorkflowStub(RetentionWorkflow.class,
            options(RETENTION_ID, retentionSummary(requestedBy), Instant.now(), taskQueue));
    WorkflowClient.start(wf::sweep, retentionInput(requestedBy));
    return WorkflowStub.fromTyped(wf);
  }

  public static BackupResult await(WorkflowStub run) {
    return run.getResult(BackupResult.class);
  }
}
