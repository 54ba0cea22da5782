package io.drorch.starter.drill;

import io.drorch.workflows.contracts.commands.CleanNowRequest;
import io.drorch.workflows.contracts.commands.DrillCleanupInput;
import io.drorch.workflows.contracts.commands.DrillInput;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.DrillReport;
import io.drorch.workflows.drill.DrillCleanupWorkflow;
import io.drorch.workflows.drill.DrillWorkflow;
import io.drorch.workflows.drill.Drills;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Starting drills and their cleanups: the one place their workflow ids, inputs and summaries are
 * made (CLI, schedule, tests).
 */
public final class DrillRuns {
  /** The schedule's workflow id base: Temporal appends the scheduled time. */
  public static final String SCHEDULE_ID_BASE = "drill";

  private DrillRuns() {}

  public static DrillInput input(List<String> scope, String requestedBy) {
    return new DrillInput(scope == null ? List.of() : scope, requestedBy);
  }

  public static String summary(String requestedBy) {
    return "DR drill: the newest backups restored into scratch targets (never the live ones),"
        + " RTO/RPO measured, requested by " + requestedBy;
  }

  /** Starts drill {@code drillId} (null: {@code drill-<now>}). */
  public static WorkflowStub start(WorkflowClient client, String taskQueue, String drillId,
      List<String> scope, String requestedBy) {
    String id = drillId == null ? Drills.newId(Instant.now()) : drillId;
    if (!Drills.isDrillId(id) || !Drills.idOf(id).equals(id)) {
      throw new IllegalArgumentException("'" + id + "' is not a drill id: use drill- followed by"
          + " up to 50 letters, digits, '.', '_' or '-' (e.g. drill-2026q4)");
    }
    DrillWorkflow wf = client.newWorkflowStub(DrillWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue(taskQueue)
        .setStaticSummary(summary(requestedBy))
        .build());
    WorkflowClient.start(wf::drill, input(scope, requestedBy));
    return WorkflowStub.fromTyped(wf);
  }

  /**
   * The report of a finished drill: its result when it passed, the failure's details when it
   * failed (the report travels with the DRILL_FAILED failure); empty when the failure carries none.
   */
  public static Optional<DrillReport> report(WorkflowStub run) {
    try {
      return Optional.of(run.getResult(DrillReport.class));
    } catch (WorkflowFailedException e) {
      Throwable c = e.getCause();
      if (c instanceof ApplicationFailure af && "DRILL_FAILED".equals(af.getType())) {
        return Optional.of(af.getDetails().get(DrillReport.class));
      }
      throw e;
    }
  }

  /**
   * Removes the scratch targets of {@code drillId} now: signals its cleanup workflow, starting one
   * first when there is none (a passed drill cleans up by itself; this is for failed ones and
   * leftovers).
   */
  public static WorkflowStub cleanup(WorkflowClient client, String taskQueue, String drillId,
      String by) {
    DrillCleanupWorkflow wf = client.newWorkflowStub(DrillCleanupWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(Drills.cleanupId(drillId))
            .setTaskQueue(taskQueue)
            .setStaticSummary("Remove the scratch targets of " + drillId + " (asked by " + by + ")")
            .build());
    var batch = client.newSignalWithStartRequest();
    batch.add(wf::cleanup, new DrillCleanupInput(drillId,
        List.of(BackupKind.DATABASE, BackupKind.FILES), Instant.now()));
    batch.add(wf::cleanNow, new CleanNowRequest(by));
    client.signalWithStart(batch);
    return WorkflowStub.fromTyped(wf);
  }
}
