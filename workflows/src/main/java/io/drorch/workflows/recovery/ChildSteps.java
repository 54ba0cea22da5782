package io.drorch.workflows.recovery;

import io.drorch.workflows.common.Failures;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.DecisionRequest;
import io.drorch.workflows.contracts.values.DecisionKind;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PartResult;
import io.drorch.workflows.contracts.values.PhaseRecord;
import io.drorch.workflows.contracts.values.StepState;
import io.drorch.workflows.contracts.values.Verdict;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Workflow-side helper of every child recovery: runs its steps, reports them to the parent for the
 * timeline, and asks the parent's approval gate for decisions — before destructive steps, and
 * after a step that failed for good (RETRY, SKIP or ABORT). Keeps the child's DrPhase search
 * attribute current (DrKind and DrIncident are set by the parent when it starts the child).
 */
final class ChildSteps {
  private final String part;
  private final RecoveryWorkflow parent;
  private final Map<String, DecisionRecord> answers = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();

  ChildSteps(String part) {
    this.part = part;
    String parentId =
        Workflow.getInfo().getParentWorkflowId()
            .orElseThrow(() -> new IllegalStateException(
                part + " recovery runs as a child of a RecoveryWorkflow"));
    this.parent = Workflow.newExternalWorkflowStub(RecoveryWorkflow.class, parentId);
  }

  /** The parent's answer arrived (the child's signal handler). */
  void received(DecisionRecord decision) {
    answers.putIfAbsent(decision.step(), decision);
  }

  /** Asks for a decision and waits for it, however long it takes (escalation is the parent's). */
  DecisionRecord ask(String step, DecisionKind kind, String description) {
    details("**" + part + "**: waiting for a decision on `" + step + "`: " + description);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "awaiting-decision:" + step);
    parent.requestDecision(
        new DecisionRequest(step, kind, description, Workflow.getInfo().getWorkflowId()));
    Workflow.await(() -> answers.containsKey(step));
    return answers.get(step);
  }

  /**
   * Runs a step. When it fails for good the parent is asked: RETRY runs it again, SKIP returns
   * empty, ABORT stops the part. Failures of the types in {@code passThrough} are rethrown for the
   * caller to handle (e.g. a corrupt backup: try the previous one).
   */
  <T> Optional<T> run(String step, String detail, Supplier<T> action, Set<String> passThrough) {
    while (true) {
      Instant start = now();
      update(step, StepState.RUNNING, start, null, detail);
      SearchAttributes.upsert(SearchAttributes.DR_PHASE, step);
      details("**" + part + "**: " + detail);
      try {
        T result = action.get();
        update(step, StepState.DONE, start, now(), detail);
        return Optional.ofNullable(result);
      } catch (ActivityFailure e) {
        String why = Failures.reason(e);
        update(step, StepState.FAILED, start, now(), why);
        if (passThrough.contains(Failures.type(e))) {
          throw e;
        }
        int n = failures.merge(step, 1, Integer::sum);
        DecisionRecord d = ask(step + "-failed-" + n, DecisionKind.STEP_FAILED,
            part + " step '" + step + "' failed: " + why);
        if (d.verdict() == Verdict.SKIP) {
          update(step, StepState.SKIPPED, start, now(), "skipped by " + d.approver());
          return Optional.empty();
        }
        if (d.verdict() == Verdict.ABORT) {
          throw new PartStopped(Outcome.ABORTED,
              step + " failed (" + why + ") and " + d.approver() + " chose ABORT");
        }
        // RETRY: loop
      }
    }
  }

  <T> Optional<T> run(String step, String detail, Supplier<T> action) {
    return run(step, detail, action, Set.of());
  }

  /** The part's result; its phase becomes "finished: OUTCOME" (as the parent's does). */
  PartResult finish(PartResult result) {
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "finished: " + result.outcome());
    return result;
  }

  void update(String step, StepState state, Instant start, Instant end, String detail) {
    parent.stepUpdate(new PhaseRecord(step, state, start, end, detail));
  }

  void details(String markdown) {
    Workflow.setCurrentDetails(markdown);
  }

  static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
