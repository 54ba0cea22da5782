package io.drorch.starter.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** Runs `dr …` in-process and captures exit code, stdout and stderr. */
final class Cli {
  record Result(int exitCode, String out, String err) {}

  static synchronized Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      CommandLine cli = DrCommand.commandLine();
      cli.setOut(new PrintWriter(o, true));
      cli.setErr(new PrintWriter(e, true));
      int code = cli.execute(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** The repo's dr-plan.yaml with its ${VAR:-default} placeholders set to these values. */
  static Path planFile(Path dir, String name, Map<String, String> values) throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("dr-plan.yaml"))) {
      root = root.getParent();
    }
    String yaml = Files.readString(root.resolve("dr-plan.yaml"));
    values = new java.util.HashMap<>(values);
    // allowed-signers is relative to the plan file: without the test stack's, the shipped one
    values.putIfAbsent("DR_ALLOWED_SIGNERS", root.resolve("allowed_signers").toString());
    for (var e : values.entrySet()) {
      yaml = yaml.replaceAll("\\$\\{" + e.getKey() + ":-[^}]*}",
          java.util.regex.Matcher.quoteReplacement(e.getValue()));
    }
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private Cli() {}
}
