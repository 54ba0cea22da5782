package io.drorch.workflows.postgres;

import io.drorch.workflows.contracts.commands.DumpDatabaseInput;
import io.drorch.workflows.contracts.values.DumpDatabaseResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** PostgreSQL side effects. Passwords come from the worker, never from these inputs. */
@ActivityInterface
public interface PostgresActivities {

  /**
   * Runs {@code pg_dump -Fc} and streams its output into a multipart upload under a fresh key for
   * this attempt, hashing while streaming; counts rows per table in the dump's own snapshot.
   * Heartbeats bytes uploaded. Idempotent in effect: each attempt writes a new key, and only the
   * key a manifest names is ever a backup.
   */
  @ActivityMethod
  DumpDatabaseResult dumpToStorage(DumpDatabaseInput input);
}
