package io.drorch.workflows.common;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Activity options in one place: every stub has a StartToClose timeout and a {@link
 * #HEARTBEAT_TIMEOUT}: the worker's heartbeat ticker beats for every activity while it runs
 * (blocking steps included), so an attempt whose worker died is retried elsewhere within about
 * 20 s, whatever the activity (measured: about 22 s after kill -9, was 10 min for quick calls).
 *
 * <p>The variants with a {@code summary} make a stub for one call: the summary is what the Web UI
 * shows for that activity ("pg_restore db-… into ai_docs_restore_inc_42"). A stub is a cheap
 * proxy; making one per call adds nothing to the history.
 */
public final class ActivityStubs {
  private ActivityStubs() {}

  /** No heartbeat for this long: the worker is taken for dead and the attempt retried. */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);
  /** Quick calls: a live but hung worker gives up after this (a dead one: heartbeat timeout). */
  public static final Duration QUICK_START_TO_CLOSE = Duration.ofMinutes(2);

  /**
   * Streams of gigabytes (pg_dump, pg_restore, tar): hours allowed; they heartbeat (progress every
   * 2 s, the worker's ticker between), so a dead worker is noticed within 20 s and the attempt
   * moves to another worker.
   */
  public static <T> T longRunning(Class<T> activities) {
    return Workflow.newActivityStub(activities, longRunningOptions().build());
  }

  /** {@link #longRunning(Class)} for one call, shown in the Web UI as {@code summary}. */
  public static <T> T longRunning(Class<T> activities, String summary) {
    return Workflow.newActivityStub(activities, longRunningOptions().setSummary(summary).build());
  }

  /** No worker of the host took a pinned step in this long: it fails (and a human is asked). */
  public static final Duration HOST_SCHEDULE_TO_START = Duration.ofMinutes(10);

  /**
   * {@link #longRunning(Class, String)} on {@code hostQueue}, the queue of one host (its disk
   * holds what the step needs): waits at most {@link #HOST_SCHEDULE_TO_START} for that host.
   */
  public static <T> T longRunningOn(Class<T> activities, String summary, String hostQueue) {
    return longRunningOn(activities, summary, hostQueue, HOST_SCHEDULE_TO_START);
  }

  /**
   * {@link #longRunningOn(Class, String, String)} waiting at most {@code scheduleToStart} for a
   * worker of {@code hostQueue} (e.g. the database host's): a call nobody picks up fails instead
   * of waiting forever.
   */
  public static <T> T longRunningOn(Class<T> activities, String summary, String hostQueue,
      Duration scheduleToStart) {
    return Workflow.newActivityStub(activities, longRunningOptions().setSummary(summary)
        .setTaskQueue(hostQueue).setScheduleToStartTimeout(scheduleToStart).build());
  }

  /** Calls that take seconds (S3 metadata, manifests, listings). */
  public static <T> T quick(Class<T> activities) {
    return Workflow.newActivityStub(activities, quickOptions().build());
  }

  /** {@link #quick(Class)} for one call, shown in the Web UI as {@code summary}. */
  public static <T> T quick(Class<T> activities, String summary) {
    return Workflow.newActivityStub(activities, quickOptions().setSummary(summary).build());
  }

  /**
   * Notifications: short, few retries: a channel that still fails is recorded by the caller and
   * never holds up a recovery.
   */
  public static <T> T notification(Class<T> activities, String summary) {
    return Workflow.newActivityStub(
        activities,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(20))
            .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(2))
                    .setMaximumAttempts(3)
                    .build())
            .setSummary(summary)
            .build());
  }

  private static ActivityOptions.Builder longRunningOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofHours(6))
        .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
        .setRetryOptions(retry(3, Duration.ofSeconds(10)));
  }

  private static ActivityOptions.Builder quickOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(QUICK_START_TO_CLOSE)
        .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
        .setRetryOptions(retry(5, Duration.ofSeconds(2)));
  }

  private static RetryOptions retry(int attempts, Duration initial) {
    return RetryOptions.newBuilder()
        .setInitialInterval(initial)
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(Duration.ofMinutes(5))
        .setMaximumAttempts(attempts)
        .setDoNotRetry(DrError.nonRetryableTypes())
        .build();
  }
}
