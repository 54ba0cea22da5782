package io.drorch.starter.plan;

import io.drorch.workflows.contracts.plan.DrPlan;
import java.util.List;

/**
 * A valid plan and what is worth telling its owner although it does not stop the plan from being
 * used (e.g. a daily database backup against a one-hour RPO).
 */
public record LoadedPlan(DrPlan plan, List<PlanProblem> warnings) {
  public LoadedPlan {
    warnings = List.copyOf(warnings);
  }
}
