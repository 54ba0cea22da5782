package io.drorch.worker;

import com.uber.m3.tally.Scope;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;


/**
 * Where Temporal is: the one place the address and namespace are read. Defaults come from
 * {@code TEMPORAL_ADDRESS} (else 127.0.0.1:7233) and {@code TEMPORAL_NAMESPACE} (else default).
 */
public record TemporalConnection(String address, String namespace) {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";

  /** How long {@link #connect()} keeps trying before it reports Temporal unreachable. */
  static final java.time.Duration CONNECT_PATIENCE = java.time.Duration.ofSeconds(10);

  public static TemporalConnection fromEnvironment() {
    return of(System.getenv("TEMPORAL_ADDRESS"), System.getenv("TEMPORAL_NAMESPACE"));
  }

  public static TemporalConnection of(String address, String namespace) {
    return new TemporalConnection(
        address == null || address.isBlank() ? DEFAULT_ADDRESS : address,
        namespace == null || namespace.isBlank() ? "default" : namespace);
  }

  public WorkflowServiceStubs connect() {
    return connect(null);
  }

  /** Like {@link #connect()}, reporting the SDK's metrics to {@code metricsScope} when given. */
  public WorkflowServiceStubs connect(Scope metricsScope) {
    WorkflowServiceStubsOptions.Builder options =
        WorkflowServiceStubsOptions.newBuilder().setTarget(address);
    if (metricsScope != null) {
      options.setMetricsScope(metricsScope);
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(options.build());
    try {
      awaitHealthy(service);
    } catch (RuntimeException e) {
      service.shutdownNow();
      throw new IllegalStateException(
          "Cannot reach Temporal at " + address + " (" + e.getMessage() + "). Start it"
              + " (`temporal server start-dev`, or `dr demo` for everything local) or set"
              + " TEMPORAL_ADDRESS / --address.",
          e);
    }
    return service;
  }

  /**
   * The first health check can miss a short deadline on a loaded machine or while the server is
   * still starting (name resolution alone took 0.8 s under load): ask a few times over
   * {@link #CONNECT_PATIENCE} before giving up.
   */
  private static void awaitHealthy(WorkflowServiceStubs service) {
    long deadline = System.nanoTime() + CONNECT_PATIENCE.toNanos();
    long pause = 200;
    while (true) {
      try {
        service.healthCheck();
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() + pause * 1_000_000 > deadline) {
          throw e;
        }
        try {
          Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pause = Math.min(pause * 2, 2000);
      }
    }
  }

  public WorkflowClient client(WorkflowServiceStubs service) {
    return WorkflowClient.newInstance(
        service, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }

  public ScheduleClient scheduleClient(WorkflowServiceStubs service) {
    return ScheduleClient.newInstance(
        service, ScheduleClientOptions.newBuilder().setNamespace(namespace).build());
  }

}
