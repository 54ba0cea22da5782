package io.drorch.activities.common;

import com.uber.m3.tally.Scope;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.activity.ManualActivityCompletionClient;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.common.CancellationToken;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.time.Duration;
import java.lang.reflect.Type;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker interceptor that heartbeats for EVERY activity from a ticker while it runs, so a step
 * that blocks without progress ({@code DROP/CREATE DATABASE}, a rename waiting for a lock, a
 * stalled S3 read, a listing) still beats, and a dead worker is noticed within the stubs'
 * heartbeat timeout (20 s) instead of the StartToClose timeout.
 *
 * <p>The ticker repeats the activity's last heartbeat details (the context it hands the activity
 * records them), so the progress line of {@code dr status --follow} keeps its numbers. When the server answers that
 * the attempt is no longer current (timed out, cancelled: another attempt may run now), the
 * ticker stops and interrupts the activity's thread: a zombie attempt stops itself as soon as it
 * learns it is one (the fencing in the activities does not rely on this). Local activities
 * cannot heartbeat and are left alone.
 */
public final class HeartbeatTicker extends WorkerInterceptorBase {
  /** How often the ticker beats; the SDK sends at most every {@link #MAX_THROTTLE} anyway. */
  public static final Duration INTERVAL = Duration.ofSeconds(3);
  /** The worker's cap on heartbeat throttling: well inside the 20 s heartbeat timeout. */
  public static final Duration MAX_THROTTLE = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(HeartbeatTicker.class);
  private static final ScheduledExecutorService TICKS =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dr-heartbeat-ticker");
        t.setDaemon(true);
        return t;
      });

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new Ticking(next);
  }

  private static final class Ticking extends ActivityInboundCallsInterceptorBase {
    private Beating ctx;

    Ticking(ActivityInboundCallsInterceptor next) {
      super(next);
    }

    @Override
    public void init(ActivityExecutionContext context) {
      if (context.getInfo().isLocal()) {
        super.init(context);
        return;
      }
      ctx = new Beating(context);
      super.init(ctx); // the activity's own heartbeats go through ctx: the ticker repeats them
    }

    @Override
    public ActivityOutput execute(ActivityInput input) {
      if (ctx == null) {
        return super.execute(input);
      }
      ctx.worker = Thread.currentThread();
      ScheduledFuture<?> tick = TICKS.scheduleAtFixedRate(ctx::tick, 0, INTERVAL.toMillis(),
          TimeUnit.MILLISECONDS);
      try {
        return super.execute(input);
      } finally {
        synchronized (ctx) {
          ctx.done = true;
          tick.cancel(false);
          if (ctx.fenced) {
            Thread.interrupted(); // the flag must not leak into the thread's next activity
          }
        }
      }
    }
  }

  /**
   * The activity's context, remembering the details of its last heartbeat. Before it sends any,
   * the ticker repeats the previous attempt's details: an activity that resumes from them (e.g.
   * the notifications already delivered) must not find them wiped by a beat of this attempt.
   */
  private static final class Beating implements ActivityExecutionContext {
    private final ActivityExecutionContext real;
    private volatile Object last;
    Thread worker;
    boolean done;
    boolean fenced;

    Beating(ActivityExecutionContext real) {
      this.real = real;
      Object previous = null;
      try {
        previous = real.getHeartbeatDetails(Object.class).orElse(null);
      } catch (RuntimeException unreadable) {
        log.debug("previous heartbeat details unreadable: {}", unreadable.toString());
      }
      this.last = previous;
    }

    void tick() {
      synchronized (this) {
        if (done || fenced) {
          return;
        }
      }
      try {
        real.heartbeat(last);
      } catch (ActivityCompletionException gone) {
        synchronized (this) {
          if (done || fenced) {
            return;
          }
          fenced = true;
          log.warn("activity {} ({} attempt {}) is no longer current on the server ({}):"
                  + " stopping it", getInfo().getActivityType(), getInfo().getActivityId(),
              getInfo().getAttempt(), gone.getClass().getSimpleName());
          worker.interrupt();
        }
      } catch (RuntimeException e) {
        log.debug("heartbeat of {} failed: {}", getInfo().getActivityId(), e.toString());
      }
    }

    @Override
    public ActivityInfo getInfo() {
      return real.getInfo();
    }

    @Override
    public <V> void heartbeat(V details) throws ActivityCompletionException {
      last = details;
      real.heartbeat(details);
    }

    @Override
    public <V> Optional<V> getHeartbeatDetails(Class<V> type) {
      return real.getHeartbeatDetails(type);
    }

    @Override
    public <V> Optional<V> getHeartbeatDetails(Class<V> type, Type generic) {
      return real.getHeartbeatDetails(type, generic);
    }

    @Override
    public <V> Optional<V> getLastHeartbeatDetails(Class<V> type) {
      return real.getLastHeartbeatDetails(type);
    }

    @Override
    public <V> Optional<V> getLastHeartbeatDetails(Class<V> type, Type generic) {
      return real.getLastHeartbeatDetails(type, generic);
    }

    @Override
    public byte[] getTaskToken() {
      return real.getTaskToken();
    }

    @Override
    public CancellationToken<ActivityCanceledException> getCancellationToken() {
      return real.getCancellationToken();
    }

    @Override
    public void doNotCompleteOnReturn() {
      real.doNotCompleteOnReturn();
    }

    @Override
    public boolean isDoNotCompleteOnReturn() {
      return real.isDoNotCompleteOnReturn();
    }

    @Override
    public boolean isUseLocalManualCompletion() {
      return real.isUseLocalManualCompletion();
    }

    @Override
    public ManualActivityCompletionClient useLocalManualCompletion() {
      return real.useLocalManualCompletion();
    }

    @Override
    public Scope getMetricsScope() {
      return real.getMetricsScope();
    }

    @Override
    public WorkflowClient getWorkflowClient() {
      return real.getWorkflowClient();
    }

    @Override
    public Object getInstance() {
      return real.getInstance();
    }
  }
}
