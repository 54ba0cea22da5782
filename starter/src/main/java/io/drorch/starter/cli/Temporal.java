package io.drorch.starter.cli;

import io.drorch.worker.TemporalConnection;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.serviceclient.WorkflowServiceStubs;

/** An open connection to Temporal for one CLI command. */
final class Temporal implements AutoCloseable {
  final WorkflowServiceStubs service;
  final TemporalConnection connection;

  private Temporal(TemporalConnection connection, WorkflowServiceStubs service) {
    this.connection = connection;
    this.service = service;
  }

  static Temporal connect(GlobalOptions options) {
    try {
      TemporalConnection c = options.temporal();
      return new Temporal(c, c.connect());
    } catch (IllegalStateException e) {
      throw new ExitCodes.UnavailableException(e.getMessage(), e);
    }
  }

  WorkflowClient client() {
    return connection.client(service);
  }

  ScheduleClient schedules() {
    return connection.scheduleClient(service);
  }

  @Override
  public void close() {
    service.shutdown();
  }
}
