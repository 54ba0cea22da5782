package io.drorch.activities.plan;

import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.drorch.workflows.plan.PlanActivities;

/** Reads the worker's plan file for each workflow (read-only, so trivially idempotent). */
public final class PlanActivitiesImpl implements PlanActivities {
  private final PlanSource source;

  public PlanActivitiesImpl(PlanSource source) {
    this.source = source;
  }

  @Override
  public LoadedPlan load() {
    try {
      return source.load();
    } catch (PlanException e) {
      throw DrError.PLAN_INVALID.failure("The worker's plan " + source + " cannot be used: "
          + e.getMessage(), null);
    }
  }
}
