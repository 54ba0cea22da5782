package io.drorch.workflows.backup;

import io.drorch.workflows.contracts.commands.BaseBackupInput;
import io.drorch.workflows.contracts.values.BackupResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A pgBackRest base backup ({@code full} or {@code diff}) on the database host, recorded in the
 * catalog as kind BASE with the WAL range it needs; its manifest written last.
 */
@WorkflowInterface
public interface BaseBackupWorkflow {
  @WorkflowMethod
  BackupResult backup(BaseBackupInput input);
}
