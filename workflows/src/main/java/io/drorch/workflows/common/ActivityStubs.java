package io.drorch.workflows.common;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Activity options in one place: every stub has a StartToClose timeout, long ones heartbeat. */
public final class ActivityStubs {
  private ActivityStubs() {}

  /**
   * Streams of gigabytes (pg_dump, pg_restore, tar): hours allowed; they heartbeat every 2 s, so a
   * dead worker is noticed within 30 s and the attempt moves to another worker.
   */
  public static <T> T longRunning(Class<T> activities) {
    return Workflow.newActivityStub(
        activities,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofHours(6))
            .setHeartbeatTimeout(Duration.ofSeconds(30))
            .setRetryOptions(retry(3, Duration.ofSeconds(10)))
            .build());
  }

  /** Calls that take seconds (S3 metadata, manifests, listings). */
  public static <T> T quick(Class<T> activities) {
    return Workflow.newActivityStub(
        activities,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(10))
            .setRetryOptions(retry(5, Duration.ofSeconds(2)))
            .build());
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
