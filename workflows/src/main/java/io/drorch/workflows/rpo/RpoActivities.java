package io.drorch.workflows.rpo;

import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.RpoSnapshot;
import io.drorch.workflows.contracts.values.RpoWatchState;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The RPO watch's measurements and its small state store. */
@ActivityInterface
public interface RpoActivities {

  /**
   * Measures the age of the newest archived WAL ({@code pg_stat_archiver}, when the plan has
   * {@code database.pitr}) and of the newest valid database and file backups (the catalog),
   * each against its limit, and sets the worker's {@code dr_rpo_age_seconds{kind}} gauges.
   */
  @ActivityMethod
  RpoSnapshot measure(DrPlan plan);

  /** The state the previous tick left ({@link RpoWatchState#EMPTY} when none). */
  @ActivityMethod
  RpoWatchState previous(StorageTarget storage);

  /** Stores the state for the next tick and for {@code dr rpo} (idempotent: one object). */
  @ActivityMethod
  void record(StorageTarget storage, RpoWatchState state);
}
