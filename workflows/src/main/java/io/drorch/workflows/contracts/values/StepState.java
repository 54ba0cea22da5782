package io.drorch.workflows.contracts.values;

/** Where a step of a recovery's timeline stands. */
public enum StepState {
  RUNNING,
  DONE,
  FAILED,
  SKIPPED,
  ABORTED;

  /** The state of a finished step of parts that ended with {@code outcome}. */
  public static StepState of(Outcome outcome) {
    return switch (outcome) {
      case RECOVERED -> DONE;
      case SKIPPED -> SKIPPED;
      case ABORTED -> ABORTED;
      case FAILED -> FAILED;
    };
  }
}
