package io.drorch.activities.common;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Heartbeats for long activities, in one place: at most every {@link #INTERVAL_MS}, and a no-op
 * outside an activity (the same code run by the CLI or a plain unit test).
 */
public final class Heartbeats {
  /** How often long activities heartbeat; their heartbeat timeout is 30 s. */
  public static final long INTERVAL_MS = 2_000;

  private Heartbeats() {}

  /** The running activity's context, or empty outside an activity (the CLI, plain unit tests). */
  public static Optional<ActivityExecutionContext> context() {
    try {
      return Optional.of(Activity.getExecutionContext());
    } catch (RuntimeException | Error notInActivity) {
      return Optional.empty();
    }
  }

  /** Heartbeats the byte count, throttled. */
  public static LongConsumer bytesProgress() {
    Throttle t = throttle();
    return bytes -> t.beat(() -> bytes);
  }

  /** A throttle for heartbeats with details of any shape. */
  public static Throttle throttle() {
    return new Throttle(context().orElse(null));
  }

  /** Sends a heartbeat at most every {@link #INTERVAL_MS}; {@link #now} sends one at once. */
  public static final class Throttle {
    private final ActivityExecutionContext ctx;
    private long last;

    private Throttle(ActivityExecutionContext ctx) {
      this.ctx = ctx;
    }

    public void beat(Supplier<?> details) {
      if (ctx == null) {
        return;
      }
      long t = System.currentTimeMillis();
      if (t - last >= INTERVAL_MS) {
        last = t;
        ctx.heartbeat(details.get());
      }
    }

    public void now(Object details) {
      if (ctx != null) {
        last = System.currentTimeMillis();
        ctx.heartbeat(details);
      }
    }
  }
}
