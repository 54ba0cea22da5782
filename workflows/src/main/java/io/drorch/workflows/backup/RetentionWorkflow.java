package io.drorch.workflows.backup;

import io.drorch.workflows.contracts.commands.RetentionInput;
import io.drorch.workflows.contracts.values.RetentionResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Deletes backups past retention, never the newest valid one of each kind, the newest
 * restore-verified ones, a leased one or an object under Object Lock; aborts, deleting nothing,
 * on any read error. See {@link RetentionWorkflowImpl} and {@link RetentionPolicy}.
 */
@WorkflowInterface
public interface RetentionWorkflow {
  @WorkflowMethod
  RetentionResult sweep(RetentionInput input);
}
