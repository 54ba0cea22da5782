package io.drorch.worker;

import com.uber.m3.tally.Scope;
import io.drorch.workflows.common.Payloads;
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
      service.healthCheck();
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

  public WorkflowClient client(WorkflowServiceStubs service) {
    return WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(namespace).setDataConverter(Payloads.dataConverter()).build());
  }

  public ScheduleClient scheduleClient(WorkflowServiceStubs service) {
    return ScheduleClient.newInstance(service, ScheduleClientOptions.newBuilder()
        .setNamespace(namespace).setDataConverter(Payloads.dataConverter()).build());
  }

}
