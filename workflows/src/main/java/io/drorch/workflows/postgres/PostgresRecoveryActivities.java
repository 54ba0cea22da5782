package io.drorch.workflows.postgres;

import io.drorch.workflows.contracts.commands.MigrateDatabaseInput;
import io.drorch.workflows.contracts.commands.RestoreDatabaseInput;
import io.drorch.workflows.contracts.commands.SwapDatabaseInput;
import io.drorch.workflows.contracts.commands.VerifyIntegrityInput;
import io.drorch.workflows.contracts.values.IntegrityResult;
import io.drorch.workflows.contracts.values.MigrateDatabaseResult;
import io.drorch.workflows.contracts.values.RestoreDatabaseResult;
import io.drorch.workflows.contracts.values.SwapDatabaseResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The database recovery's side effects. The live database is only ever touched by {@link
 * #swapDatabase}, which the workflow calls after the restored copy is verified and approved.
 */
@ActivityInterface
public interface PostgresRecoveryActivities {

  /**
   * Downloads the backup into the work directory (reusing a complete earlier download), checks
   * size and SHA-256 against the manifest (CHECKSUM_MISMATCH, non-retryable, when they differ),
   * then {@code pg_restore -j N} into a NEW database {@code restoreName}, dropping a partial one
   * from an earlier attempt first. Heartbeats bytes. Idempotent: the same input ends in the same
   * restored database.
   */
  @ActivityMethod
  RestoreDatabaseResult restoreFromBackup(RestoreDatabaseInput input);

  /** Flyway migrate of the restored database from the plan's location: the pending migrations. */
  @ActivityMethod
  MigrateDatabaseResult applyMigrations(MigrateDatabaseInput input);

  /**
   * Row counts of every table in the manifest vs the restored database, Flyway validate, and the
   * plan's SQL checks. Reports problems in the result (never throws for a failed check), and the
   * copy's fingerprint (row counts of every table and the Flyway version, one snapshot).
   */
  @ActivityMethod
  IntegrityResult verifyIntegrity(VerifyIntegrityInput input);

  /**
   * Puts the restored database in place by renames: the live one (if it still exists) becomes
   * {@code keepAs}, then {@code restoreName} becomes the live name. Idempotent: a repeated call
   * after success changes nothing.
   */
  @ActivityMethod
  SwapDatabaseResult swapDatabase(SwapDatabaseInput input);
}
