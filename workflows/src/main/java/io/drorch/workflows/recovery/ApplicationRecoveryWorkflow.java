package io.drorch.workflows.recovery;

import io.drorch.workflows.contracts.commands.ApplicationRecoveryInput;
import io.drorch.workflows.contracts.values.PartResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Deploy hook → environment → health checks until healthy → monitor window. */
@WorkflowInterface
public interface ApplicationRecoveryWorkflow extends ChildRecovery {
  @WorkflowMethod
  PartResult recover(ApplicationRecoveryInput input);
}
