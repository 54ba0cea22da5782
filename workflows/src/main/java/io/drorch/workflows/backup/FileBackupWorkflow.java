package io.drorch.workflows.backup;

import io.drorch.workflows.contracts.commands.FileBackupInput;
import io.drorch.workflows.contracts.values.BackupResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The uploads directory as tar.gz streamed to S3, its listing beside it, its manifest last. */
@WorkflowInterface
public interface FileBackupWorkflow {
  @WorkflowMethod
  BackupResult backup(FileBackupInput input);
}
