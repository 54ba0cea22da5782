package io.drorch.workflows.common;

import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.Supplier;

/** Workflow-side waits whose timer carries a summary for the Web UI. */
public final class Timers {
  private Timers() {}

  /**
   * Like {@link Workflow#await(Duration, Supplier)}: waits until {@code condition} holds or
   * {@code timeout} passes, and returns true when the condition unblocked it. The timer shows in the
   * Web UI with {@code summary}; it is cancelled when the condition wins, as the SDK's own does.
   */
  public static boolean await(Duration timeout, String summary, Supplier<Boolean> condition) {
    if (condition.get()) {
      return true;
    }
    @SuppressWarnings("unchecked")
    Promise<Void>[] timer = new Promise[1];
    CancellationScope scope = Workflow.newCancellationScope(() -> timer[0] =
        Workflow.newTimer(timeout, TimerOptions.newBuilder().setSummary(summary).build()));
    scope.run();
    Workflow.await(() -> timer[0].isCompleted() || condition.get());
    boolean unblocked = !timer[0].isCompleted();
    if (unblocked) {
      scope.cancel();
    }
    return unblocked;
  }

  /** 30 min, 2 h, 45 s. */
  public static String human(Duration d) {
    long m = d.toMinutes();
    return m >= 60 && m % 60 == 0 ? (m / 60) + " h" : m > 0 ? m + " min" : d.toSeconds() + " s";
  }
}
