package io.drorch.workflows.common;

/** Task-queue names: the one place they are spelled. */
public final class TaskQueues {
  /** Workflows and activities of the orchestrator. */
  public static final String DR = "dr-orchestrator";

  private TaskQueues() {}
}
