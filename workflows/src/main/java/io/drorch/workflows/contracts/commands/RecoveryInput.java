package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import java.time.Instant;
import java.util.List;

/**
 * Input of {@code RecoveryWorkflow}: only what the operator decides. Everything else — approvers,
 * keys, commands, paths, hosts, buckets — comes from the worker's own plan, loaded by the
 * workflow's first activity; whoever can start a workflow cannot choose them.
 *
 * @param asOf restore the newest valid backups taken at or before this time (null: newest)
 * @param incidentAt when the incident happened (null: when the recovery starts); RPO achieved is
 *     this minus the backup's time
 * @param requestedBy who started it; with the plan's four-eyes rule, they may not approve it
 */
public record RecoveryInput(
    String incidentId,
    List<RecoveryScope> scope,
    Tier tier,
    Instant asOf,
    Instant incidentAt,
    String requestedBy) {}
