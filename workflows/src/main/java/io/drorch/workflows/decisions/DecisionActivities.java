package io.drorch.workflows.decisions;

import io.drorch.workflows.contracts.commands.ConfirmDecisionInput;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * How a child recovery learns a decision without trusting a signal: the doorbell it gets carries
 * nothing it uses; it asks the worker, which asks the parent's approval gate.
 */
@ActivityInterface
public interface DecisionActivities {

  /**
   * Queries the {@code status} of the parent recovery run and returns its gate's decision on
   * {@code step}, or null when the gate has taken none. Read-only.
   */
  @ActivityMethod
  DecisionRecord confirmDecision(ConfirmDecisionInput input);
}
