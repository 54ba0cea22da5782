package io.drorch.workflows.recovery;

import io.drorch.workflows.contracts.commands.FileRecoveryInput;
import io.drorch.workflows.contracts.values.PartResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Download + verify → safe extract into staging → verify every file → approval → swap. */
@WorkflowInterface
public interface FileRecoveryWorkflow extends ChildRecovery {
  @WorkflowMethod
  PartResult recover(FileRecoveryInput input);
}
