package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.WriteManifestInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.storage.StorageActivities;

/** The last step of every backup: write its manifest (the commit marker) and report it. */
final class BackupCommit {
  private BackupCommit() {}

  /** {@link #commit(StorageTarget, BackupManifest)}, then verify-by-restore as the plan asks. */
  static BackupResult commit(DrPlan plan, BackupManifest manifest) {
    BackupResult r = commit(plan.storage(), manifest);
    VerifyByRestoreStarter.afterCommit(plan, manifest);
    return r;
  }

  static BackupResult commit(StorageTarget target, BackupManifest manifest) {
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "write-manifest");
    String manifestKey = ActivityStubs.quick(StorageActivities.class, "write the manifest of "
            + manifest.backupId() + " (the commit marker) to " + BackupKeys.url(target,
                BackupKeys.manifestKey(target, manifest.kind(), manifest.backupId())))
        .writeManifest(new WriteManifestInput(target, manifest));
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "done");
    return new BackupResult(
        manifest.backupId(),
        manifest.kind(),
        manifest.dataKey(),
        manifestKey,
        manifest.sizeBytes(),
        manifest.sha256(),
        manifest.startedAt(),
        manifest.finishedAt());
  }
}
