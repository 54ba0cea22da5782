package io.drorch.worker;

import io.temporal.serviceclient.WorkflowServiceStubs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker process: {@code java -cp … io.drorch.worker.WorkerMain} or {@code dr worker}.
 * Configuration from the environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, PGPASSWORD (or
 * ~/.pgpass), AWS credentials (default chain).
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    run(TemporalConnection.fromEnvironment());
  }

  public static void run(TemporalConnection connection) throws InterruptedException {
    WorkflowServiceStubs service = connection.connect();
    DrWorker worker = DrWorker.start(connection.client(service), WorkerSecrets.fromEnvironment());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      service.shutdown();
    }, "dr-worker-shutdown"));
    log.info("DR worker polling task queue '{}' on {} (namespace {})",
        io.drorch.workflows.common.TaskQueues.DR, connection.address(), connection.namespace());
    worker.awaitTermination();
  }
}
