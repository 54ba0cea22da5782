package io.drorch.workflows.drill;

import io.drorch.workflows.contracts.commands.DrillInput;
import io.drorch.workflows.contracts.queries.DrillPhase;
import io.drorch.workflows.contracts.values.DrillReport;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A DR drill ({@code drill-<time>}): the newest valid backups restored into scratch targets that
 * can never be the live ones, migrated and checked, the achieved RTO and RPO measured against the
 * plan, a report in S3, everyone told. Needs no approval: nothing live is touched. Fails (type
 * DRILL_FAILED) when anything did not restore or verify, or the RTO was missed, after the report
 * is written and levels 1 and 2 are told; the scratch targets are then kept for inspection until
 * the plan's {@code drills.keep-failed-for} (workflow {@code <drill-id>-cleanup}).
 */
@WorkflowInterface
public interface DrillWorkflow {
  @WorkflowMethod
  DrillReport drill(DrillInput input);

  /** Where the drill is: a phase such as {@code restore}, {@code report}, {@code finished: PASSED}. */
  @QueryMethod
  DrillPhase phase();
}
