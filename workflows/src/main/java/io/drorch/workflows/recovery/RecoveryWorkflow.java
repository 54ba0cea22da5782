package io.drorch.workflows.recovery;

import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.commands.DecisionRequest;
import io.drorch.workflows.contracts.commands.EscalateRequest;
import io.drorch.workflows.contracts.commands.RecoveryInput;
import io.drorch.workflows.contracts.queries.RecoveryStatus;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.PhaseRecord;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RefusedDecision;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The incident (workflow id {@code recovery-<incident>}): notifies, picks the newest valid
 * backups, runs the child recoveries behind the approval gate, tracks RTO, writes the report.
 */
@WorkflowInterface
public interface RecoveryWorkflow {

  @WorkflowMethod
  RecoveryReport recover(RecoveryInput input);

  /** A decision with immediate feedback: rejected by the validator when it cannot count. */
  @UpdateMethod
  DecisionRecord decide(ApprovalDecision decision);

  @UpdateValidatorMethod(updateName = "decide")
  void validateDecide(ApprovalDecision decision);

  /**
   * The same decision as a Signal (Temporal CLI {@code workflow signal}, Web UI): taken when
   * valid, otherwise recorded as refused in the status; kept when its step has not asked yet
   * (and then counts only if it fits the request when that opens).
   */
  @SignalMethod(name = "decision")
  void decisionSignal(ApprovalDecision decision);

  /** Escalate every pending decision by one level now. */
  @SignalMethod
  void escalate(EscalateRequest request);

  /** From a child recovery: it needs a decision. */
  @SignalMethod
  void requestDecision(DecisionRequest request);

  /**
   * From a child recovery: a signal sent straight to it (not through the gate) rang its doorbell
   * and the gate had no decision behind it; listed among the refused decisions.
   */
  @SignalMethod
  void childRefused(RefusedDecision refused);

  /** From a child recovery: a step started or ended. */
  @SignalMethod
  void stepUpdate(PhaseRecord step);

  @QueryMethod
  RecoveryStatus status();
}
