package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupManifest;

/**
 * @param live the plan's database (server, user; its name is the live database's)
 * @param restoreName the new database to restore into, e.g. {@code ai_docs_restore_inc_42}
 * @param workDir where the backup is downloaded on the worker's host
 * @param jobs {@code pg_restore -j}
 * @param restoreRole when set, {@code pg_restore --no-owner --role=<it>}: the restore runs with
 *     that role's rights (plan {@code recovery.restore-role}); null: the worker's user
 */
public record RestoreDatabaseInput(
    String incidentId,
    DatabaseTarget live,
    String restoreName,
    StorageTarget storage,
    BackupManifest backup,
    String workDir,
    int jobs,
    String restoreRole) {

  public RestoreDatabaseInput(String incidentId, DatabaseTarget live, String restoreName,
      StorageTarget storage, BackupManifest backup, String workDir, int jobs) {
    this(incidentId, live, restoreName, storage, backup, workDir, jobs, null);
  }
}
