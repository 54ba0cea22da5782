package io.drorch.worker;

import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker process: {@code java -cp … io.drorch.worker.WorkerMain} or {@code dr worker}.
 * Configuration from the environment: where Temporal is and how to reach it (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, temporal.toml profiles; see
 * {@link TemporalConnection}), the payload keys (DR_PAYLOAD_KEYS / DR_PAYLOAD_KEY; see
 * {@link io.drorch.worker.codec.PayloadKeys}), PGPASSWORD (or ~/.pgpass), AWS credentials
 * (default chain), DR_METRICS_PORT (Prometheus endpoint, default 9464; 0 or off disables; see
 * {@link WorkerMetrics}).
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    try {
      run(TemporalConnection.fromEnvironment());
    } catch (io.drorch.worker.codec.PayloadKeys.InvalidKeysException e) {
      log.error("{}", e.getMessage());
      System.exit(2);
    } catch (IllegalStateException e) {
      log.error("{}", e.getMessage());
      System.exit(4); // as `dr`: a service is unreachable or refused us
    }
  }

  public static void run(TemporalConnection connection) throws InterruptedException {
    Optional<WorkerMetrics> metrics = WorkerMetrics.fromEnvironment();
    WorkflowServiceStubs service;
    DrWorker worker;
    try {
      service = connection.connect(metrics.map(WorkerMetrics::scope).orElse(null));
      worker = DrWorker.start(connection.client(service), WorkerSecrets.fromEnvironment());
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
    log.info("DR worker polling task queue '{}' on {}; metrics {}",
        io.drorch.workflows.common.TaskQueues.DR, connection.describe(),
        metrics.map(m -> "on " + m.url())
            .orElse("off (" + WorkerMetrics.PORT_ENV + ")"));
    worker.awaitTermination();
  }
}
