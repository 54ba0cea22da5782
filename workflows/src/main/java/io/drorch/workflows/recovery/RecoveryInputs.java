package io.drorch.workflows.recovery;

import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.contracts.commands.RecoveryInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import java.time.Duration;
import java.util.List;

/** Checks a recovery's input and the worker's plan for it; derives objectives and settings. */
final class RecoveryInputs {
  private RecoveryInputs() {}

  /** What the operator decided: incident, scope, tier. */
  static void validate(RecoveryInput in) {
    Inputs.check("recovery input")
        .require(in != null, "input is missing")
        .orFail();
    Inputs.check("recovery input")
        .require(in.incidentId() != null && in.incidentId().matches("[A-Za-z0-9][A-Za-z0-9_-]{0,39}"),
            "incident id must be 1-40 letters, digits, '-' or '_' (got '" + in.incidentId() + "')")
        .require(in.scope() != null && !in.scope().isEmpty(),
            "scope is empty: give any of database, files, application")
        .require(in.tier() != null, "tier is missing (critical or non-critical)")
        .orFail();
  }

  /** The worker's plan has what the scope needs. */
  static void validate(DrPlan plan, List<RecoveryScope> scope) {
    Inputs.check("worker's plan")
        .require(plan.storage() != null, "the plan has no storage section")
        .require(plan.escalation() != null && !plan.escalation().isEmpty(),
            "the plan has no escalation levels: nobody could approve")
        .require(!scope.contains(RecoveryScope.DATABASE) || plan.database() != null,
            "scope has database but the plan has no database section")
        .require(!scope.contains(RecoveryScope.FILES) || plan.files() != null,
            "scope has files but the plan has no files section")
        .require(!scope.contains(RecoveryScope.APPLICATION) || plan.deployment() != null,
            "scope has application but the plan has no deployment section")
        .orFail();
  }

  static Duration rto(DrPlan plan, Tier tier) {
    var o = plan.objectives();
    Duration d = o == null ? null : tier == Tier.CRITICAL ? o.rtoCritical() : o.rtoNonCritical();
    return d != null ? d
        : tier == Tier.CRITICAL ? PlanDefaults.RTO_CRITICAL : PlanDefaults.RTO_NON_CRITICAL;
  }

  static RecoverySettings settings(DrPlan plan) {
    return PlanDefaults.recovery(plan.recovery());
  }
}
