package io.drorch.workflows.backup;

import io.drorch.workflows.plan.StorageTarget;
import io.drorch.workflows.storage.StorageActivities;
import io.drorch.workflows.storage.WriteManifestInput;

/** The last step of every backup: write its manifest (the commit marker) and report it. */
final class BackupCommit {
  private BackupCommit() {}

  static BackupResult commit(
      StorageActivities storage, StorageTarget target, BackupManifest manifest) {
    String manifestKey = storage.writeManifest(new WriteManifestInput(target, manifest));
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
