package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupManifest;

/**
 * @param live the plan's database (server, user; its name is the live database's)
 * @param restoreName the new database to restore into, e.g. {@code ai_docs_restore_inc_42}
 * @param workDir where the backup is downloaded on the worker's host
 * @param jobs {@code pg_restore -j}
 */
public record RestoreDatabaseInput(
    String incidentId,
    DatabaseTarget live,
    String restoreName,
    StorageTarget storage,
    BackupManifest backup,
    String workDir,
    int jobs) {}
