package io.drorch.workflows.common;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Activity options in one place: every stub has a StartToClose timeout, long ones heartbeat.
 *
 * <p>The variants with a {@code summary} make a stub for one call: the summary is what the Web UI
 * shows for that activity ("pg_restore db-… into ai_docs_restore_inc_42"). A stub is a cheap
 * proxy; making one per call adds nothing to the history.
 */
public final class ActivityStubs {
  private ActivityStubs() {}

  /**
   * Streams of gigabytes (pg_dump, pg_restore, tar): hours allowed; they heartbeat every 2 s, so a
   * dead worker is noticed within 30 s and the attempt moves to another worker.
   */
  public static <T> T longRunning(Class<T> activities) {
    return Workflow.newActivityStub(activities, longRunningOptions().build());
  }

  /** {@link #longRunning(Class)} for one call, shown in the Web UI as {@code summary}. */
  public static <T> T longRunning(Class<T> activities, String summary) {
    return Workflow.newActivityStub(activities, longRunningOptions().setSummary(summary).build());
  }

  /**
   * {@link #longRunning(Class, String)} on another task queue (e.g. the database host's), with a
   * schedule-to-start limit: a call nobody picks up fails instead of waiting forever.
   */
  public static <T> T longRunningOn(Class<T> activities, String taskQueue, String summary) {
    return Workflow.newActivityStub(activities, longRunningOptions().setTaskQueue(taskQueue)
        .setScheduleToStartTimeout(Duration.ofHours(1)).setSummary(summary).build());
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
        .setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(retry(3, Duration.ofSeconds(10)));
  }

  private static ActivityOptions.Builder quickOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(10))
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
