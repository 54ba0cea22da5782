package io.drorch.starter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code temporal} CLI with only the given environment for its connection (TEMPORAL_*
 * variables of this JVM are not passed on), as an operator sharing one environment between the
 * temporal CLI, the worker and {@code dr} runs it.
 */
public final class TemporalCliProcess {
  private TemporalCliProcess() {}

  public record Result(int exitCode, String output) {}

  public static Result run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(TlsTerminator.find("temporal", "DR_TEMPORAL_CLI",
        Path.of(System.getProperty("user.home"), "go", "bin", "temporal").toString()).toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
    pb.environment().putAll(env);
    Path out = Files.createTempFile("temporal-cli-", ".out");
    try {
      Process p = pb.redirectOutput(out.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + cmd);
      }
      String text = Files.readString(out);
      System.out.println("[temporal-cli] " + String.join(" ", cmd) + "\n  exit " + p.exitValue()
          + "\n" + (text.length() > 3000 ? text.substring(0, 3000) + "…" : text));
      return new Result(p.exitValue(), text);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
