package io.drorch.worker;

import io.drorch.activities.app.ApplicationActivitiesImpl;
import io.drorch.activities.files.FileActivitiesImpl;
import io.drorch.activities.files.FileRecoveryActivitiesImpl;
import io.drorch.activities.notify.NotificationActivitiesImpl;
import io.drorch.activities.postgres.PostgresRecoveryActivitiesImpl;
import io.drorch.activities.report.ReportActivitiesImpl;
import io.drorch.activities.postgres.PostgresActivitiesImpl;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.workflows.backup.DatabaseBackupWorkflowImpl;
import io.drorch.workflows.backup.FileBackupWorkflowImpl;
import io.drorch.workflows.backup.RetentionWorkflowImpl;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.recovery.ApplicationRecoveryWorkflowImpl;
import io.drorch.workflows.recovery.DatabaseRecoveryWorkflowImpl;
import io.drorch.workflows.recovery.FileRecoveryWorkflowImpl;
import io.drorch.workflows.recovery.RecoveryWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;

/** Hosts every workflow and activity of the orchestrator on {@link TaskQueues#DR}. */
public final class DrWorker implements AutoCloseable {
  /** Bounded: each long activity streams with a few tens of MB of buffers. */
  static final int MAX_CONCURRENT_ACTIVITIES = 4;

  private final WorkerFactory factory;
  private final S3Clients s3;

  private DrWorker(WorkerFactory factory, S3Clients s3) {
    this.factory = factory;
    this.s3 = s3;
  }

  /** Registers everything and starts polling. */
  public static DrWorker start(WorkflowClient client, WorkerSecrets secrets) {
    S3Clients s3 = new S3Clients(secrets.aws());
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker worker =
        factory.newWorker(
            TaskQueues.DR,
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(MAX_CONCURRENT_ACTIVITIES)
                .build());
    worker.registerWorkflowImplementationTypes(
        DatabaseBackupWorkflowImpl.class, FileBackupWorkflowImpl.class, RetentionWorkflowImpl.class,
        RecoveryWorkflowImpl.class, DatabaseRecoveryWorkflowImpl.class,
        FileRecoveryWorkflowImpl.class, ApplicationRecoveryWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new PostgresActivitiesImpl(secrets.database(), s3),
        new PostgresRecoveryActivitiesImpl(secrets.database(), s3),
        new FileActivitiesImpl(s3),
        new FileRecoveryActivitiesImpl(s3),
        new StorageActivitiesImpl(s3),
        new ApplicationActivitiesImpl(s3),
        new NotificationActivitiesImpl(),
        new ReportActivitiesImpl(s3));
    factory.start();
    return new DrWorker(factory, s3);
  }

  /** Blocks until the worker is shut down (SIGTERM runs the shutdown hook). */
  public void awaitTermination() throws InterruptedException {
    while (!factory.isTerminated()) {
      factory.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    }
  }

  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    s3.close();
  }
}
