package io.drorch.workflows.backup;

import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.Versions;
import io.drorch.workflows.contracts.commands.VerifyByRestoreInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.VerifyByRestore;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;

/**
 * After a backup commits: start its verify-by-restore child ({@code verify-<backup-id>}) as the
 * plan's {@code drills.verify-by-restore} asks (daily: database backups, the first tested of each
 * UTC day; every: all), abandoned so the backup finishes without waiting for it.
 *
 * <p>Versioned ({@value #CHANGE_ID}): backups started before it commit without the child.
 */
final class VerifyByRestoreStarter {
  static final String CHANGE_ID = Versions.VERIFY_BY_RESTORE;

  private VerifyByRestoreStarter() {}

  static void afterCommit(DrPlan plan, BackupManifest manifest) {
    if (!Versions.has(CHANGE_ID)) {
      return;
    }
    VerifyByRestore mode = PlanDefaults.drills(plan.drills()).verifyByRestore();
    boolean wanted = mode == VerifyByRestore.EVERY
        || mode == VerifyByRestore.DAILY && manifest.kind() == BackupKind.DATABASE;
    if (!wanted) {
      return;
    }
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "start verify-by-restore");
    VerifyByRestoreWorkflow child = Workflow.newChildWorkflowStub(VerifyByRestoreWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(id(manifest.backupId()))
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
            .setStaticSummary("Verify by restore: " + manifest.backupId()
                + " restored into scratch and compared with its manifest")
            .build());
    Async.function(child::verify,
        new VerifyByRestoreInput(manifest, mode == VerifyByRestore.DAILY));
    Workflow.getWorkflowExecution(child).get();
  }

  /** {@code verify-<backup-id>}. */
  static String id(String backupId) {
    return "verify-" + backupId;
  }
}
