package io.drorch.starter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A worker in its own JVM ({@code io.drorch.worker.WorkerMain}), configured only by environment
 * variables as in production, so a test can kill it with SIGKILL mid-activity.
 */
public final class WorkerProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
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
    return new WorkerProcess(pb.start(), log);
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
