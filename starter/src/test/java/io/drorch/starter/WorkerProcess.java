package io.drorch.starter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A worker in its own JVM ({@code io.drorch.worker.WorkerMain}), configured only by environment
 * variables as in production, so a test can kill it with SIGKILL mid-activity.
 */
public final class WorkerProcess implements AutoCloseable {
  /** How long a worker may take to start polling (JVM start, plan, connection) on a busy box. */
  static final Duration READY = Duration.ofMinutes(2);
  /** What WorkerMain logs once it polls. */
  static final String READY_LINE = "DR worker polling task queue";

  private final ProcessBuilder builder;
  private final Path log;
  private Process process;

  private WorkerProcess(ProcessBuilder builder, Path log) {
    this.builder = builder;
    this.log = log;
  }

  /** A worker process with the plan file {@code plan} (DR_PLAN), on the default task queue. */
  public static WorkerProcess start(String temporalTarget, TestStack stack, Path plan, Path log)
      throws IOException {
    return start(temporalTarget, stack, plan, log, Map.of());
  }

  /**
   * Like {@link #start(String, TestStack, Path, Path)} with extra environment variables (they
   * win over the defaults). The metrics endpoint is off unless {@code DR_METRICS_PORT} is given,
   * so workers of parallel tests never fight over port 9464.
   */
  public static WorkerProcess start(String temporalTarget, TestStack stack, Path plan, Path log,
      Map<String, String> extraEnv) throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        // the worker's own logback.xml (WorkflowId/ActivityId in every line), not the tests'
        "-Dlogback.configurationFile=logback.xml",
        "io.drorch.worker.WorkerMain"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    var env = pb.environment();
    env.put("TEMPORAL_ADDRESS", temporalTarget);
    env.put("DR_PLAN", plan.toString());
    env.put("PGPASSWORD", stack.pg.password());
    env.put("AWS_ACCESS_KEY_ID", stack.s3.accessKey());
    env.put("AWS_SECRET_ACCESS_KEY", stack.s3.secretKey());
    env.put("AWS_REGION", "us-east-1");
    env.put("DR_METRICS_PORT", "off");
    env.putAll(extraEnv);
    WorkerProcess w = new WorkerProcess(pb, log);
    w.startAndAwaitPolling();
    return w;
  }

  /**
   * Starts the JVM and returns once it polls. A worker that exits before (e.g. its health check
   * of Temporal timed out on an overloaded machine) is started once more; a second failure fails
   * the test with the log, instead of leaving it waiting for work nobody does.
   */
  private void startAndAwaitPolling() throws IOException {
    for (int attempt = 1; ; attempt++) {
      long from = Files.exists(log) ? Files.size(log) : 0;
      process = builder.start();
      long deadline = System.nanoTime() + READY.toNanos();
      while (System.nanoTime() < deadline) {
        if (logSince(from).contains(READY_LINE)) {
          return;
        }
        if (!process.isAlive()) {
          break;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while the worker started", e);
        }
      }
      if (process.isAlive() || attempt >= 2) {
        process.destroyForcibly();
        throw new AssertionError("the worker process did not start polling (attempt " + attempt
            + "):\n" + logTail());
      }
    }
  }

  private String logSince(long offset) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    byte[] all = Files.readAllBytes(log);
    return offset >= all.length ? "" : new String(all, (int) offset, all.length - (int) offset,
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /** SIGKILL: no shutdown hook, no graceful anything. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  public Path log() {
    return log;
  }

  public boolean alive() {
    return process.isAlive();
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      process.waitFor();
    }
  }
}
