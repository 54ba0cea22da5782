package io.drorch.starter.interop;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code temporal} CLI run as a separate process with an argument list (no shell), as an
 * operator would run it. Found at env {@code DR_TEMPORAL_CLI}, then {@code temporal} on PATH, then
 * {@code ~/go/bin/temporal}; a test using it fails (not skips) when none exists.
 */
public final class TemporalCli {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int BUSY_ATTEMPTS = 5;

  private final Path cli;
  private final String address;

  /** What one command printed (stdout and stderr merged) and its exit code. */
  public record Run(List<String> command, int exit, String output) {
    @Override
    public String toString() {
      return String.join(" ", command) + "\n  exit " + exit + "\n" + output;
    }
  }

  public TemporalCli(String address) {
    this.cli = find();
    this.address = address;
  }

  static Path find() {
    String env = System.getenv("DR_TEMPORAL_CLI");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      if (!Files.isExecutable(p)) {
        throw new AssertionError("env DR_TEMPORAL_CLI=" + env + " is not an executable file;"
            + " run scripts/ensure-tools.sh");
      }
      return p;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        Path p = d.isEmpty() ? null : Path.of(d, "temporal");
        if (p != null && Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    Path home = Path.of(System.getProperty("user.home"), "go", "bin", "temporal");
    if (Files.isExecutable(home)) {
      return home;
    }
    throw new AssertionError("no `temporal` CLI found (env DR_TEMPORAL_CLI, PATH, ~/go/bin/temporal);"
        + " run scripts/ensure-tools.sh");
  }

  /**
   * {@code temporal workflow <args…> --address <address>}. A command the server turned away with
   * "Workflow is busy" (RESOURCE_EXHAUSTED: the workflow's lock held by its own task, seen on a
   * loaded machine; nothing was applied) is run again, as an operator would, a few times.
   */
  public Run workflow(String... args) throws IOException, InterruptedException {
    Run run = once(args);
    for (int attempt = 1; attempt < BUSY_ATTEMPTS && run.exit() != 0
        && run.output().contains("Workflow is busy"); attempt++) {
      Thread.sleep(250L * attempt); // back-off before a retry, not a wait for a condition
      run = once(args);
    }
    return run;
  }

  private Run once(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(cli.toString());
    cmd.add("workflow");
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--address", address, "--namespace", "default"));
    Path out = Files.createTempFile("temporal-cli-", ".out");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s: "
            + String.join(" ", cmd) + "\n" + Files.readString(out, StandardCharsets.UTF_8));
      }
      Run run = new Run(cmd, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      System.out.println("[temporal-cli] " + run); // what an operator would see
      return run;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
