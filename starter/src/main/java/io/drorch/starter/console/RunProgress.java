package io.drorch.starter.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.drorch.starter.backup.BackupTable;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the running activities of a workflow report in their heartbeats, as short phrases for a
 * progress line: "database download + pg_restore 12.3 MiB", "files extract 1.2 of 2.6 MiB (46 %)".
 * Read with DescribeWorkflowExecution (no worker needed); best effort: a run that is gone, not
 * started or unreadable just has no progress.
 */
public final class RunProgress {
  /** Activity types (method names) as a person reads them. */
  private static final Map<String, String> WHAT = Map.ofEntries(
      Map.entry("DumpToStorage", "pg_dump to S3"),
      Map.entry("ArchiveToStorage", "tar.gz to S3"),
      Map.entry("VerifyBackup", "verify"),
      Map.entry("RestoreFromBackup", "download + pg_restore"),
      Map.entry("ApplyMigrations", "migrations"),
      Map.entry("VerifyIntegrity", "integrity check"),
      Map.entry("SwapDatabase", "swap"),
      Map.entry("RestoreToStaging", "restore"),
      Map.entry("SwapDirectory", "swap"),
      Map.entry("Deploy", "deploy hook"),
      Map.entry("RestoreEnvironment", "environment file"),
      Map.entry("AwaitHealthy", "health checks"),
      Map.entry("Monitor", "monitor window"));

  private final WorkflowClient client;

  public RunProgress(WorkflowClient client) {
    this.client = client;
  }

  /** One phrase per running activity of workflow {@code workflowId}, each starting with {@code label}. */
  public List<String> of(String label, String workflowId) {
    DescribeWorkflowExecutionResponse r;
    try {
      r = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
              .build());
    } catch (StatusRuntimeException notThereOrUnreachable) {
      return List.of();
    }
    if (r.getWorkflowExecutionInfo().getStatus()
        != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (PendingActivityInfo a : r.getPendingActivitiesList()) {
      String type = a.getActivityType().getName();
      String what = WHAT.get(type);
      if (what == null) {
        continue; // notifications, listings: quick, nothing to show
      }
      String detail = a.hasHeartbeatDetails() ? detail(type, decode(a)) : "";
      out.add(label + " " + what + (detail.isEmpty() ? "" : " " + detail)
          + (a.getAttempt() > 1 ? " (attempt " + a.getAttempt() + ")" : ""));
    }
    return out;
  }

  private JsonNode decode(PendingActivityInfo a) {
    try {
      return client.getOptions().getDataConverter().fromPayloads(0,
          Optional.of(a.getHeartbeatDetails()), JsonNode.class, JsonNode.class);
    } catch (RuntimeException unreadable) {
      return null;
    }
  }

  /** The heartbeat details of each activity, whatever their shape (see the activities). */
  static String detail(String type, JsonNode d) {
    if (d == null || d.isNull() || d.isMissingNode()) {
      return "";
    }
    if (d.isNumber()) {
      long n = d.asLong();
      return switch (type) {
        case "VerifyIntegrity" -> n + " tables counted";
        case "Deploy", "RestoreEnvironment" -> (n / 1000) + " s";
        default -> BackupTable.human(n);
      };
    }
    if (d.has("phase") && d.has("bytes")) { // the file restore: download, extract, verify
      long bytes = d.path("bytes").asLong();
      long total = d.path("totalBytes").asLong(-1);
      return d.path("phase").asText() + " " + (total > 0
          ? BackupTable.human(bytes) + " of " + BackupTable.human(total) + " ("
              + Math.min(100, bytes * 100 / total) + " %)"
          : BackupTable.human(bytes));
    }
    if (d.has("bytesRead") && d.has("entries")) { // the file backup
      return d.path("entries").asLong() + " files, " + BackupTable.human(d.path("bytesRead").asLong());
    }
    if (d.has("checks")) { // health checks and the monitor window
      int status = d.path("lastStatus").asInt();
      return d.path("checks").asInt() + " checks" + (status > 0 ? ", last answer " + status : "");
    }
    return "";
  }
}
