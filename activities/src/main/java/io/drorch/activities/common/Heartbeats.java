package io.drorch.activities.common;

import io.temporal.activity.Activity;
import java.util.function.LongConsumer;

/**
 * Heartbeats with byte progress, at most every {@link #INTERVAL_MS}, when running inside an
 * activity; a no-op elsewhere (e.g. the same code run by the CLI).
 */
public final class Heartbeats {
  static final long INTERVAL_MS = 2_000;

  private Heartbeats() {}

  /** The running activity's context, or empty outside an activity (the CLI, plain unit tests). */
  public static java.util.Optional<io.temporal.activity.ActivityExecutionContext> context() {
    try {
      return java.util.Optional.of(Activity.getExecutionContext());
    } catch (RuntimeException | Error notInActivity) {
      return java.util.Optional.empty();
    }
  }

  public static LongConsumer bytesProgress() {
    final io.temporal.activity.ActivityExecutionContext ctx;
    try {
      ctx = Activity.getExecutionContext();
    } catch (RuntimeException | Error notInActivity) {
      return bytes -> {};
    }
    long[] last = {0};
    return bytes -> {
      long now = System.currentTimeMillis();
      if (now - last[0] >= INTERVAL_MS) {
        last[0] = now;
        ctx.heartbeat(bytes);
      }
    };
  }
}
