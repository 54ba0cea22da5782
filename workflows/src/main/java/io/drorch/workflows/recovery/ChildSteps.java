package io.drorch.workflows.recovery;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.ConfirmDecisionInput;
import io.drorch.workflows.contracts.commands.DecisionRequest;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.drorch.workflows.contracts.values.DecisionKind;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PartResult;
import io.drorch.workflows.contracts.values.PhaseRecord;
import io.drorch.workflows.contracts.values.RefusedDecision;
import io.drorch.workflows.contracts.values.StepState;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.decisions.DecisionActivities;
import io.drorch.workflows.plan.Plans;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Workflow-side helper of every child recovery: runs its steps, reports them to the parent for the
 * timeline, and asks the parent's approval gate for decisions — before destructive steps, and
 * after a step that failed for good (RETRY, SKIP or ABORT). Keeps the child's DrPhase search
 * attribute current (DrKind and DrIncident are set by the parent when it starts the child).
 *
 * <p>A decision reaches the child only through the gate: the parent rings the child's doorbell,
 * and the child takes the decision the gate confirms (an activity queries the parent), never what
 * a signal says. The confirmed decision must name the backup and restored copy the child asked
 * about. A ring the gate does not confirm is reported to the parent, listed as refused.
 */
final class ChildSteps {
  /** How long a child waits before asking the gate again when asking failed. */
  static final Duration CONFIRM_RETRY = Duration.ofMinutes(1);

  private final String part;
  private final String parentId;
  private final String parentRunId;
  private final RecoveryWorkflow parent;
  private final Map<String, DecisionRecord> answers = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private int rings;
  private Object lastRing;

  ChildSteps(String part) {
    this.part = part;
    this.parentId =
        Workflow.getInfo().getParentWorkflowId()
            .orElseThrow(() -> new IllegalStateException(
                part + " recovery runs as a child of a RecoveryWorkflow"));
    this.parentRunId = Workflow.getInfo().getParentRunId().orElse(null);
    this.parent = Workflow.newExternalWorkflowStub(RecoveryWorkflow.class, parentId);
  }

  /**
   * The worker's plan, read by this part itself; it must be the plan the recovery started with
   * (PartStopped FAILED when the worker's plan changed in between: this part does nothing).
   */
  DrPlan plan(String expectedSha256) {
    LoadedPlan loaded = Plans.load();
    if (expectedSha256 != null && !expectedSha256.equals(loaded.sha256())) {
      throw new PartStopped(Outcome.FAILED, "the worker's plan changed during the recovery: the"
          + " recovery started on plan sha256 " + expectedSha256 + ", this part read sha256 "
          + loaded.sha256() + " from " + loaded.source() + "; it did nothing. Start a new"
          + " recovery to run on the new plan");
    }
    return loaded.plan();
  }

  /** The doorbell rang (the child's signal handler); what it carries is only kept for reports. */
  void ring(Object content) {
    rings++;
    lastRing = content;
  }

  /** Asks for a decision and waits for it, however long it takes (escalation is the parent's). */
  DecisionRecord ask(String step, DecisionKind kind, String description) {
    return ask(step, kind, description, null, null, null);
  }

  /**
   * Asks for a decision about {@code backupId} and the restored copy {@code copyFingerprint}
   * (made at {@code copyMadeAt}) and waits, however long it takes (escalation is the parent's),
   * until the gate confirms a decision that names them.
   */
  DecisionRecord ask(String step, DecisionKind kind, String description, String backupId,
      String copyFingerprint, Instant copyMadeAt) {
    details("**" + part + "**: waiting for a decision on `" + step + "`: " + description);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "awaiting-decision:" + step);
    parent.requestDecision(new DecisionRequest(step, kind, description,
        Workflow.getInfo().getWorkflowId(), backupId, copyFingerprint, copyMadeAt));
    int handled = 0;
    while (true) {
      int seen = handled;
      Workflow.await(() -> rings > seen);
      handled = rings;
      Object claim = lastRing;
      if (claim instanceof String s && !s.equals(step) && answers.containsKey(s)) {
        continue; // the parent repeating an earlier answer
      }
      DecisionRecord r = confirm(step);
      String problem;
      if (r == null) {
        problem = "signal to child " + Workflow.getInfo().getWorkflowId() + " not confirmed by"
            + " the gate: nothing is decided on '" + step + "'";
      } else if (r.approvalsMissing() > 0) {
        problem = "signal to child not confirmed by the gate: '" + step + "' still needs "
            + r.approvalsMissing() + " approval(s)";
      } else if (r.verdict() == Verdict.APPROVE && (!Objects.equals(r.backupId(), backupId)
          || !Objects.equals(r.copyFingerprint(), copyFingerprint))) {
        problem = "the gate's decision on '" + step + "' names backup " + r.backupId()
            + " and copy " + r.copyFingerprint() + ", but this part restored backup " + backupId
            + " as copy " + copyFingerprint + ": not used";
      } else {
        answers.put(step, r);
        return r;
      }
      Workflow.getLogger(ChildSteps.class).warn("doorbell refused: {}", problem);
      parent.childRefused(refused(claim, step, problem));
    }
  }

  /** The gate's decision on {@code step}, asked until the asking itself works. */
  private DecisionRecord confirm(String step) {
    while (true) {
      try {
        return ActivityStubs.quick(DecisionActivities.class, "ask the approval gate of "
                + parentId + " what was decided on " + step)
            .confirmDecision(new ConfirmDecisionInput(parentId, parentRunId, step));
      } catch (ActivityFailure e) {
        Workflow.getLogger(ChildSteps.class).warn("cannot ask the gate of {} ({}); again in {}",
            parentId, Failures.reason(e), CONFIRM_RETRY);
        Workflow.sleep(CONFIRM_RETRY);
      }
    }
  }

  /** What a ring claimed (unverified), for the list of refused decisions. */
  private static RefusedDecision refused(Object claim, String step, String problem) {
    String approver = null;
    String claimedStep = step;
    String verdict = null;
    if (claim instanceof Map<?, ?> m) {
      approver = text(m.get("approver"));
      claimedStep = m.get("step") == null ? step : text(m.get("step"));
      verdict = text(m.get("verdict"));
    } else if (claim instanceof String s) {
      claimedStep = text(s);
    }
    return new RefusedDecision(approver, claimedStep, verdict, problem, now(), "signal to child");
  }

  private static String text(Object o) {
    if (o == null) {
      return null;
    }
    String s = String.valueOf(o).replaceAll("\\s+", " ");
    return s.length() > 80 ? s.substring(0, 79) + "…" : s;
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
