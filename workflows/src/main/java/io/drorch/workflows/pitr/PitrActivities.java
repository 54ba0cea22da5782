package io.drorch.workflows.pitr;

import io.drorch.workflows.contracts.commands.PgBackRestBackupInput;
import io.drorch.workflows.contracts.values.BaseBackupResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Point-in-time recovery with pgBackRest, on the database host (the host-pinned task queue
 * {@code TaskQueues.databaseHost}): pgBackRest reads the cluster's data directory.
 */
@ActivityInterface
public interface PitrActivities {

  /**
   * {@code pgbackrest backup --type=full|diff}, heartbeating while it runs, then the record of the
   * new backup ({@code pgbackrest info}: label, WAL range, sizes) written once to {@code
   * PREFIX/base/<backupId>.pgbackrest.json}. A retry after the backup finished finds the record
   * and returns it without a second backup (idempotent).
   */
  @ActivityMethod
  BaseBackupResult baseBackup(PgBackRestBackupInput input);
}
