package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import java.time.Instant;
import java.util.List;

/**
 * Input of {@code RecoveryWorkflow}.
 *
 * @param asOf restore the newest valid backups taken at or before this time (null: newest)
 * @param incidentAt when the incident happened (null: when the recovery starts); RPO achieved is
 *     this minus the backup's time
 */
public record RecoveryInput(
    String incidentId,
    List<RecoveryScope> scope,
    Tier tier,
    Instant asOf,
    Instant incidentAt,
    String requestedBy,
    DrPlan plan) {}
