package io.drorch.workflows.common;

/** Task-queue names: the one place they are spelled. */
public final class TaskQueues {
  /** Workflows and activities of the orchestrator (the default). */
  public static final String DR = "dr-orchestrator";

  /**
   * The environment variable that picks another queue for a worker and the CLI alike ({@code
   * --task-queue} wins over it). A worker is bound to one plan and one queue: two plans on one
   * Temporal namespace run on two queues. Child workflows and activities inherit their
   * workflow's queue.
   */
  public static final String ENV = "DR_TASK_QUEUE";

  private TaskQueues() {}

  /**
   * The queue of the activities that must run on the database host (pgBackRest reads the data
   * directory): {@code <queue>@db:<host>}. A worker whose plan has {@code database.pitr} polls it
   * too, unless started with {@code DR_DATABASE_HOST_QUEUE=off} (a worker on another host).
   */
  public static String databaseHost(String queue, String host) {
    return queue + "@db:" + host;
  }

  /** {@code given}, else {@code fromEnvironment}, else {@link #DR}. */
  public static String choose(String given, String fromEnvironment) {
    if (given != null && !given.isBlank()) {
      return given.strip();
    }
    return fromEnvironment == null || fromEnvironment.isBlank() ? DR : fromEnvironment.strip();
  }
}
