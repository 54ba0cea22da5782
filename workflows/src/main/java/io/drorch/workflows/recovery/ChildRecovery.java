package io.drorch.workflows.recovery;

import io.drorch.workflows.contracts.values.DecisionRecord;
import io.temporal.workflow.SignalMethod;

/** What every child recovery accepts from its parent: the answer to its decision request. */
public interface ChildRecovery {
  @SignalMethod
  void decided(DecisionRecord decision);
}
