package io.drorch.activities.postgres;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one long child command (e.g. {@code pg_restore}, {@code zstd -d}) inside an activity: an
 * argument list, stdin closed, stdout discarded, stderr kept by {@link BoundedCapture}; a ticker
 * heartbeats {@code progress} every {@value #HEARTBEAT_MILLIS} ms, and a cancellation (or heartbeat
 * timeout) seen by a heartbeat kills the child and its descendants at once.
 */
final class SupervisedProcess {
  private static final Logger log = LoggerFactory.getLogger(SupervisedProcess.class);
  static final long HEARTBEAT_MILLIS = io.drorch.activities.common.Heartbeats.INTERVAL_MS;

  /** How it ended: the exit code and the kept stderr. */
  record Exit(int code, String stderr) {}

  private SupervisedProcess() {}

  /**
   * @param ctx the activity's context, or null outside an activity (no heartbeats)
   * @throws ActivityCompletionException when the activity was cancelled while it ran (child killed)
   * @throws IOException when the command cannot start
   */
  static Exit run(List<String> command, Map<String, String> env, Optional<String> pgPassword,
      ActivityExecutionContext ctx, LongSupplier progress) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().putAll(env);
    PgTools.applyConnectionEnv(pb.environment(), pgPassword);
    Process p = pb.start();
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // nothing to close
    }
    String name = Path.name(command.get(0));
    BoundedCapture err = BoundedCapture.start(p.getErrorStream(), name + "-stderr-" + p.pid());
    AtomicReference<ActivityCompletionException> cancelled = new AtomicReference<>();
    Thread ticker = new Thread(() -> {
      while (p.isAlive()) {
        try {
          if (p.waitFor(HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          return;
        }
        if (ctx == null) {
          continue;
        }
        try {
          ctx.heartbeat(progress.getAsLong());
        } catch (ActivityCompletionException e) {
          cancelled.set(e);
          PgTools.destroy(p);
          return;
        } catch (RuntimeException e) {
          log.warn("heartbeat failed: {}", e.toString());
        }
      }
    }, name + "-heartbeat");
    ticker.setDaemon(true);
    ticker.start();
    int code;
    try {
      code = p.waitFor();
    } catch (InterruptedException e) {
      PgTools.destroy(p);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + name, e);
    } finally {
      ticker.interrupt();
    }
    if (cancelled.get() != null) {
      throw cancelled.get();
    }
    return new Exit(code, err.text(Duration.ofSeconds(5)));
  }

  private static final class Path {
    static String name(String command) {
      return java.nio.file.Path.of(command).getFileName().toString();
    }
  }
}
