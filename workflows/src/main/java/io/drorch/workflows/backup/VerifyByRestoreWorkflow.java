package io.drorch.workflows.backup;

import io.drorch.workflows.contracts.commands.VerifyByRestoreInput;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Verify-by-restore ({@code verify-<backup-id>}): right after a backup commits, restore it into a
 * scratch target, compare it with its manifest (row counts; files: every file against the
 * listing), write its write-once marker VERIFIED_BY_RESTORE or FAILED_RESTORE, remove the scratch
 * target. A failed restore alerts level 1 and escalates to level 2 at once. Returns the verdict
 * that stands (null when skipped: another backup of that day is already tested).
 */
@WorkflowInterface
public interface VerifyByRestoreWorkflow {
  @WorkflowMethod
  RestoreVerdict verify(VerifyByRestoreInput input);
}
