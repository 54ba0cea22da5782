package io.drorch.workflows.recovery;

import io.drorch.workflows.contracts.commands.DatabaseRecoveryInput;
import io.drorch.workflows.contracts.values.PartResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Download + verify → pg_restore into a NEW database → pending migrations → integrity →
 * approval → swap in by rename, keeping the previous database.
 */
@WorkflowInterface
public interface DatabaseRecoveryWorkflow extends ChildRecovery {
  @WorkflowMethod
  PartResult recover(DatabaseRecoveryInput input);
}
