package io.drorch.activities.decisions;

import io.drorch.workflows.contracts.commands.ConfirmDecisionInput;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.decisions.DecisionActivities;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import io.temporal.client.WorkflowClient;
import java.util.Optional;

/**
 * Asks a recovery's approval gate what it decided, by the recovery's {@code status} query (the
 * worker's own client). Read-only, so trivially idempotent.
 */
public final class DecisionActivitiesImpl implements DecisionActivities {
  private final WorkflowClient client;

  public DecisionActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public DecisionRecord confirmDecision(ConfirmDecisionInput input) {
    // The parent's current run, not the run that started the child: after a reset of the parent
    // that run is closed and the decisions are taken by the new one. (A parent's children end
    // with it, and the child checks that the decision names its own backup and copy.)
    RecoveryWorkflow parent = client.newWorkflowStub(RecoveryWorkflow.class,
        input.parentWorkflowId(), Optional.empty());
    return parent.status().decisions().stream()
        .filter(d -> d.step().equals(input.step()))
        .findFirst()
        .orElse(null);
  }
}
