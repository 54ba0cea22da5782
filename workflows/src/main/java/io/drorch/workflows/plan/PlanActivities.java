package io.drorch.workflows.plan;

import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The worker's plan: every workflow's first activity. Its result is recorded in the workflow's
 * history, so a replay uses the same plan, and the SHA-256 shows which plan a run used.
 */
@ActivityInterface
public interface PlanActivities {

  /**
   * Reads and validates the worker's plan file ({@code --plan} / {@code DR_PLAN}) again on each
   * call, so a new workflow picks up an edited plan. PLAN_INVALID (non-retryable) with the
   * loader's list of problems when the file no longer validates. Read-only.
   */
  @ActivityMethod(name = "LoadPlan")
  LoadedPlan load();
}
