package io.drorch.workflows.recovery;

import io.temporal.workflow.SignalMethod;

/**
 * What every child recovery accepts from outside: a doorbell. Its content is never used — a
 * signal sent straight to a child (Temporal CLI, Web UI) can carry any JSON, so the child asks
 * its parent's approval gate what was decided ({@code DecisionActivities.confirmDecision}) and
 * acts only on that; a ring the gate does not confirm is reported to the parent as refused.
 */
public interface ChildRecovery {
  /** The signal's name, {@code decided} (the name decisions reached children by before). */
  String DOORBELL = "decided";

  /** @param anything ignored (the parent sends the step's name) */
  @SignalMethod(name = DOORBELL)
  void decided(Object anything);
}
