package io.drorch.worker;

import io.drorch.activities.plan.PlanException;
import io.drorch.activities.plan.PlanSource;
import io.drorch.workflows.common.TaskQueues;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker process: {@code java -cp … io.drorch.worker.WorkerMain} or {@code dr worker}.
 * Configuration from the environment: where Temporal is and how to reach it (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, temporal.toml profiles; see
 * {@link TemporalConnection}), the payload keys (DR_PAYLOAD_KEYS / DR_PAYLOAD_KEY; see
 * {@link io.drorch.worker.codec.PayloadKeys}), DR_PLAN (the plan file, default ./dr-plan.yaml: a
 * plan with problems stops the start), DR_TASK_QUEUE (default dr-orchestrator), PGPASSWORD (or
 * ~/.pgpass), AWS credentials (default chain), DR_METRICS_PORT (Prometheus endpoint, default
 * 9464; 0 or off disables; see {@link WorkerMetrics}).
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    try {
      run(TemporalConnection.fromEnvironment(), PlanSource.fromEnvironment(null),
          TaskQueues.choose(null, System.getenv(TaskQueues.ENV)));
    } catch (io.drorch.worker.codec.PayloadKeys.InvalidKeysException e) {
      log.error("{}", e.getMessage());
      System.exit(2);
    } catch (PlanException e) {
      log.error("{}", e.getMessage());
      System.exit(3); // as `dr`: the plan has problems
    } catch (IllegalStateException e) {
      log.error("{}", e.getMessage());
      System.exit(4); // as `dr`: a service is unreachable or refused us
    }
  }

  /**
   * Runs until SIGTERM. Throws {@link io.drorch.activities.plan.PlanException} when the plan has
   * problems, {@link IllegalStateException} when Temporal cannot be reached.
   */
  public static void run(TemporalConnection connection, PlanSource plan, String taskQueue)
      throws InterruptedException {
    plan.validate(); // before connecting: a broken plan is the first thing to say
    Optional<WorkerMetrics> metrics = WorkerMetrics.fromEnvironment();
    WorkflowServiceStubs service;
    DrWorker worker;
    try {
      service = connection.connect(metrics.map(WorkerMetrics::scope).orElse(null));
      worker = DrWorker.start(connection.client(service), WorkerSecrets.fromEnvironment(), plan,
          taskQueue);
    } catch (RuntimeException e) {
      metrics.ifPresent(WorkerMetrics::close);
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      service.shutdown();
      metrics.ifPresent(WorkerMetrics::close);
    }, "dr-worker-shutdown"));
    log.info("{}", connection.payloadKeys().describe());
    log.info("DR worker polling task queue '{}' on {}; metrics {}", taskQueue,
        connection.describe(),
        metrics.map(m -> "on " + m.url())
            .orElse("off (" + WorkerMetrics.PORT_ENV + ")"));
    worker.awaitTermination();
  }
}
