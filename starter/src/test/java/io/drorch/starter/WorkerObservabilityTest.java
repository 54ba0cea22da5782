package io.drorch.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.LocalTemporal;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.worker.WorkerMetrics;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupResult;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of a worker process: the SDK's metrics on {@code /metrics} in Prometheus
 * format, and log lines that carry the workflow id of the activity that wrote them. Runs its own
 * Temporal dev server so the backup surely runs in the worker process under test.
 */
class WorkerObservabilityTest {
  static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void workerServesTemporalMetricsAndLogsWorkflowIdsOfActivities() throws Exception {
    TestStack stack = TestStack.get();
    DrPlan plan = stack.samplePlan("observed_db", "observed");
    int[] port = {0};
    Path log = stack.dir.resolve("observability-logs").resolve("worker.log");
    Path planFile = stack.planFile(plan, "observed");
    try (LocalTemporal temporal = LocalTemporal.startRealServer(stack.dir.resolve("obs-temporal"));
        WorkerProcess worker = withMetricsPort(temporal, stack, planFile, log, port)) {
      WorkflowStub run = BackupRuns.startDatabase(temporal.client(), TaskQueues.DR, "test");
      String workflowId = run.getExecution().getWorkflowId();
      BackupResult result = BackupRuns.await(run);

      // and one that fails at once (the database is gone): what the README's alert counts
      stack.pg.dropDatabase("observed_db");
      assertThrows(WorkflowFailedException.class,
          () -> BackupRuns.await(BackupRuns.startDatabase(temporal.client(), TaskQueues.DR,
              "test")));

      // the SDK reports every 10 s: wait for both to show up
      String[] body = {""};
      Waits.await("a completed and a failed DatabaseBackupWorkflow on /metrics",
          Duration.ofSeconds(40), () -> {
            body[0] = scrape(port[0]).orElse("");
            return counted(body[0], "temporal_workflow_completed_total", "DatabaseBackupWorkflow")
                && counted(body[0], "temporal_workflow_failed_total", "DatabaseBackupWorkflow");
          });
      Files.writeString(log.resolveSibling("metrics.txt"), body[0]);
      String metrics = body[0];
      assertTrue(metrics.contains("# TYPE temporal_workflow_completed_total counter"), metrics);
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith("temporal_activity_execution_latency")
              && l.contains("activity_type=\"DumpToStorage\"")),
          "no latency of the dump activity:\n" + metrics);
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith("temporal_request_total{")
          || l.startsWith("temporal_request{")), "no client request counters:\n" + metrics);
      assertTrue(metrics.contains("task_queue=\"" + TaskQueues.DR + "\""));

      // log lines written inside an activity carry its workflow id (logback's %X{WorkflowId})
      List<String> lines = Files.readAllLines(log);
      assertTrue(lines.stream().anyMatch(l -> l.contains("[" + workflowId + " ")
              && l.contains("dumped observed_db to " + result.dataKey())),
          "no activity log line tagged with " + workflowId + ":\n" + String.join("\n", lines));
    }
  }

  @Test
  void metricsPortSettingAcceptsAPortOrOffAndRejectsNonsense() {
    assertEquals(Optional.of(WorkerMetrics.DEFAULT_PORT), WorkerMetrics.portFrom(null));
    assertEquals(Optional.of(WorkerMetrics.DEFAULT_PORT), WorkerMetrics.portFrom(" "));
    assertEquals(Optional.of(9100), WorkerMetrics.portFrom("9100"));
    assertEquals(Optional.empty(), WorkerMetrics.portFrom("0"));
    assertEquals(Optional.empty(), WorkerMetrics.portFrom("off"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> WorkerMetrics.portFrom("http:9464"));
    assertTrue(e.getMessage().contains(WorkerMetrics.PORT_ENV), e.getMessage());
    assertThrows(IllegalStateException.class, () -> WorkerMetrics.portFrom("70000"));
  }

  @Test
  void aTakenMetricsPortFailsTheStartWithTheSettingsName() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> WorkerMetrics.start("127.0.0.1", taken.getLocalPort()));
      assertTrue(e.getMessage().contains(WorkerMetrics.PORT_ENV), e.getMessage());
    }
    try (WorkerMetrics m = WorkerMetrics.start("127.0.0.1", 0)) {
      String body = scrape(m.port()).orElseThrow();
      assertFalse(body.contains("temporal_workflow_completed_total"), "nothing ran yet: " + body);
    }
  }

  /** A sample of the counter for the workflow type with a value above 0. */
  private static boolean counted(String metrics, String counter, String workflowType) {
    return metrics.lines().anyMatch(l -> l.startsWith(counter + "{")
        && l.contains("workflow_type=\"" + workflowType + "\"") && !l.endsWith(" 0.0"));
  }

  private static Optional<String> scrape(int port) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + WorkerMetrics.PATH))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * A worker serving metrics on a free port. The port is picked after the dev server took its
   * own, and picked again when something else took it before the worker bound it (the flake of
   * a port chosen, released, then taken by a process started in between).
   */
  private static WorkerProcess withMetricsPort(LocalTemporal temporal, TestStack stack,
      Path planFile, Path log, int[] port) throws IOException {
    for (int attempt = 1; ; attempt++) {
      port[0] = freePort();
      try {
        return WorkerProcess.start(temporal.target(), stack, planFile, log,
            Map.of(WorkerMetrics.PORT_ENV, Integer.toString(port[0]),
                WorkerMetrics.HOST_ENV, "127.0.0.1"));
      } catch (AssertionError e) {
        String why = String.valueOf(e.getMessage());
        if (attempt >= 3 || !why.contains("Cannot serve metrics on")) {
          throw e;
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
