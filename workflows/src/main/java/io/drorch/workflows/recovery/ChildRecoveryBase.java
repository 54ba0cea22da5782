package io.drorch.workflows.recovery;

import io.drorch.workflows.contracts.values.DecisionRecord;

/**
 * What every child recovery shares: its {@link ChildSteps} (created on first use, which may be the
 * parent's answer arriving before the workflow method ran) and the signal handler for answers.
 */
public abstract class ChildRecoveryBase implements ChildRecovery {
  private final String part;
  private ChildSteps steps;

  ChildRecoveryBase(String part) {
    this.part = part;
  }

  @Override
  public void decided(DecisionRecord decision) {
    steps().received(decision);
  }

  ChildSteps steps() {
    if (steps == null) {
      steps = new ChildSteps(part);
    }
    return steps;
  }
}
