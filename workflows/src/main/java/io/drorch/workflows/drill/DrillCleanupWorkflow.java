package io.drorch.workflows.drill;

import io.drorch.workflows.contracts.commands.CleanNowRequest;
import io.drorch.workflows.contracts.commands.DrillCleanupInput;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Removes a drill's scratch targets ({@code <drill-id>-cleanup}) at their deadline, or at once on
 * {@link #cleanNow} ({@code dr drill cleanup DRILL}). Returns what it removed.
 */
@WorkflowInterface
public interface DrillCleanupWorkflow {
  @WorkflowMethod
  List<String> cleanup(DrillCleanupInput input);

  @SignalMethod
  void cleanNow(CleanNowRequest request);
}
