package io.drorch.workflows.backup;

import io.drorch.workflows.contracts.commands.DatabaseBackupInput;
import io.drorch.workflows.contracts.values.BackupResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** {@code pg_dump} streamed to S3, then its manifest written last. */
@WorkflowInterface
public interface DatabaseBackupWorkflow {
  @WorkflowMethod
  BackupResult backup(DatabaseBackupInput input);
}
