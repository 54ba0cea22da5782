package io.drorch.workflows.recovery;

/**
 * What every child recovery shares: its {@link ChildSteps} (created on first use, which may be a
 * doorbell ringing before the workflow method ran) and the doorbell's handler.
 */
public abstract class ChildRecoveryBase implements ChildRecovery {
  private final String part;
  private ChildSteps steps;

  ChildRecoveryBase(String part) {
    this.part = part;
  }

  @Override
  public void decided(Object anything) {
    steps().ring(anything);
  }

  ChildSteps steps() {
    if (steps == null) {
      steps = new ChildSteps(part);
    }
    return steps;
  }
}
