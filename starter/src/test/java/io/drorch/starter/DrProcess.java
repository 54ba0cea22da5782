package io.drorch.starter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code dr …} in its own JVM, configured only by the environment given (as an operator's shell
 * would): the connection (TEMPORAL_*) and payload keys (DR_PAYLOAD_*) of this test JVM are not
 * passed on, so only what a test sets counts.
 */
public final class DrProcess {
  private DrProcess() {}

  /** What one command printed and its exit code. */
  public record Result(List<String> args, int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "dr " + String.join(" ", args) + "\n  exit " + exitCode + "\n  stdout: " + out
          + "\n  stderr: " + err;
    }
  }

  public static Result run(Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "-Dlogback.configurationFile=logback.xml", "io.drorch.starter.cli.DrCommand"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("dr-out-", ".txt");
    Path err = Files.createTempFile("dr-err-", ".txt");
    try {
      Process p = start(cmd, env, out, err);
      p.getOutputStream().close(); // no input: a command that asks reads end-of-file
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s: dr "
            + String.join(" ", args) + "\n" + Files.readString(out) + Files.readString(err));
      }
      Result r = new Result(List.of(args), p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
      System.out.println("[dr] " + r);
      return r;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** A long-running {@code dr …} (e.g. {@code codec-server}); output appended to {@code log}. */
  public static Process startBackground(Map<String, String> env, Path log, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"),
        "-Dlogback.configurationFile=logback.xml", "io.drorch.starter.cli.DrCommand"));
    cmd.addAll(List.of(args));
    return start(cmd, env, log, log);
  }

  private static Process start(List<String> cmd, Map<String, String> env, Path out, Path err)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (out.equals(err)) {
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    } else {
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    }
    pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_") || k.startsWith("DR_PAYLOAD_")
        || k.equals("DR_CODEC_TOKEN"));
    pb.environment().putAll(env);
    return pb.start();
  }
}
