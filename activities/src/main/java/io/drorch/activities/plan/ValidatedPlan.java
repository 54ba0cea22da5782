package io.drorch.activities.plan;

import io.drorch.workflows.contracts.plan.DrPlan;
import java.util.List;

/**
 * A valid plan and what is worth telling its owner although it does not stop the plan from being
 * used (e.g. a daily database backup against a one-hour RPO).
 *
 * @param sha256 SHA-256 of the plan file's bytes (of the text, when it came from a string)
 */
public record ValidatedPlan(DrPlan plan, List<PlanProblem> warnings, String sha256) {
  public ValidatedPlan {
    warnings = List.copyOf(warnings);
  }
}
