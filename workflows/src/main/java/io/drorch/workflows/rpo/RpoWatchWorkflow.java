package io.drorch.workflows.rpo;

import io.drorch.workflows.contracts.commands.RpoWatchInput;
import io.drorch.workflows.contracts.values.RpoWatchResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One tick of the RPO watch, started by the {@code dr-rpo-watch} schedule every
 * {@code schedules.rpo-watch}: measures, compares with the previous tick's state (read from a
 * small store, so every tick is a short history), notifies breaches, escalates them through the
 * plan's levels like a pending decision, and notifies a recovery once.
 */
@WorkflowInterface
public interface RpoWatchWorkflow {
  @WorkflowMethod
  RpoWatchResult tick(RpoWatchInput input);
}
