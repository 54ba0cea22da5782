package io.drorch.starter.rpo;

import io.drorch.starter.backup.BackupRuns;
import io.drorch.workflows.contracts.commands.RpoWatchInput;
import io.drorch.workflows.contracts.values.RpoWatchResult;
import io.drorch.workflows.rpo.RpoWatchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.time.Instant;

/** Starting RPO watch ticks (the schedule's action, {@code dr rpo --now}, tests). */
public final class RpoRuns {
  public static final String ID = "rpo-watch";

  private RpoRuns() {}

  public static RpoWatchInput input(String requestedBy) {
    return new RpoWatchInput(requestedBy);
  }

  public static String summary(String requestedBy) {
    return "RPO watch: age of the newest archived WAL, database and file backups against the"
        + " plan's RPOs, requested by " + requestedBy;
  }

  public static WorkflowStub start(WorkflowClient client, String taskQueue, String requestedBy) {
    Instant now = Instant.now();
    RpoWatchWorkflow wf = client.newWorkflowStub(RpoWatchWorkflow.class,
        BackupRuns.options(ID + "-" + now.toEpochMilli(), summary(requestedBy), now, taskQueue));
    WorkflowClient.start(wf::tick, input(requestedBy));
    return WorkflowStub.fromTyped(wf);
  }

  /** One tick, waited for. */
  public static RpoWatchResult tick(WorkflowClient client, String taskQueue, String requestedBy) {
    return start(client, taskQueue, requestedBy).getResult(RpoWatchResult.class);
  }
}
