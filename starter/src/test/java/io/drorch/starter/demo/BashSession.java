package io.drorch.starter.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One bash process that runs commands one at a time, as a user types them: what a command
 * changes in the shell ({@code source}, {@code cd}, variables) stays for the next. Each command's
 * stdin is /dev/null, its stderr goes with its stdout.
 */
final class BashSession implements AutoCloseable {
  /** What one command printed (stdout and stderr, interleaved) and its exit code. */
  record Step(String command, int exitCode, String output) {
    @Override
    public String toString() {
      return "$ " + command + "\n  exit " + exitCode + "\n" + output.indent(2);
    }
  }

  private static final String EOF = "\0eof";

  private final Process bash;
  private final Writer stdin;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final String marker = "__dr_step_done_" + UUID.randomUUID().toString().replace("-", "");

  /** A bash in {@code dir} with exactly the environment {@code env}. */
  BashSession(Path dir, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc")
        .directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    bash = pb.start();
    stdin = new OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(reading bash's output failed: " + e + ")");
      } finally {
        lines.add(EOF);
      }
    }, "bash-session-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Runs {@code command} (one logical line, continuations kept) and waits for it to end. */
  Step run(String command, Duration timeout) throws IOException, InterruptedException {
    stdin.write("{ " + command + "\n} </dev/null 2>&1\n");
    stdin.write("printf '\\n" + marker + " %d\\n' \"$?\"\n");
    stdin.flush();
    StringBuilder out = new StringBuilder();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("still running after " + timeout.toSeconds() + " s: $ " + command
            + "\n" + out.toString().indent(2));
      }
      if (line.equals(EOF)) {
        throw new AssertionError("bash ended during: $ " + command + "\n" + out.toString().indent(2));
      }
      if (line.startsWith(marker + " ")) {
        String text = out.toString();
        // the marker's leading newline: one empty line more than the command printed
        text = text.endsWith("\n\n") || text.equals("\n") ? text.substring(0, text.length() - 1) : text;
        Step step = new Step(command, Integer.parseInt(line.substring(marker.length() + 1).trim()),
            text);
        System.out.println("[session] " + step);
        return step;
      }
      out.append(line).append('\n');
    }
  }

  /** Ends bash and whatever it still runs in the foreground. */
  @Override
  public void close() throws InterruptedException {
    bash.descendants().forEach(ProcessHandle::destroyForcibly);
    bash.destroyForcibly();
    bash.waitFor(30, TimeUnit.SECONDS);
  }
}
