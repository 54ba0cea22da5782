package io.drorch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Small process/port helpers shared by the local stack. Package-private. */
final class Procs {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789";

  private Procs() {}

  /** Result of a finished command. */
  record Result(int exitCode, String output) {}

  /** True when this JVM runs as uid 0. */
  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return "root".equals(System.getProperty("user.name"));
  }

  /** A TCP port on 127.0.0.1 that was free a moment ago. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
    }
  }

  static boolean portAnswers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String randomToken(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
    }
    return sb.toString();
  }

  /**
   * Runs a command to completion (argument list, no shell), stdout+stderr merged and captured.
   * Throws with the command and the output tail when the exit code is not 0.
   */
  static Result run(List<String> command, Path workDir, Map<String, String> env, long timeoutSeconds)
      throws IOException {
    Result r = runUnchecked(command, workDir, env, timeoutSeconds);
    if (r.exitCode() != 0) {
      throw new IOException("command failed (exit " + r.exitCode() + "): " + String.join(" ", command)
          + "\n" + tail(r.output(), 40));
    }
    return r;
  }

  static Result runUnchecked(List<String> command, Path workDir, Map<String, String> env,
      long timeoutSeconds) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    if (env != null) {
      pb.environment().putAll(env);
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
    // Read output on this thread after the process ends would risk a full pipe: read in a thread.
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try {
        out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the process was killed
      }
    }, "proc-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        reader.join(2000);
        throw new IOException("command timed out after " + timeoutSeconds + " s: "
            + String.join(" ", command) + "\n" + tail(out.toString(), 40));
      }
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running " + String.join(" ", command), e);
    }
    return new Result(p.exitValue(), out.toString());
  }

  /**
   * Starts a long-running child (argument list, no shell) in {@code workDir}, stdout+stderr
   * appended to {@code log} after a {@code header} line.
   */
  static Process startLogged(List<String> command, Path workDir, Path log, String header)
      throws IOException {
    Files.writeString(log, header + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  /** SIGTERM, then SIGKILL when it has not exited within {@code graceSeconds}. */
  static void stop(Process process, long graceSeconds) {
    process.destroy();
    try {
      if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Unregisters a shutdown hook; a no-op while shutting down or when it is not registered. */
  static void removeShutdownHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException | IllegalArgumentException ignored) {
      // shutting down / not registered
    }
  }

  /** The last {@code lines} lines of a text. */
  static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    int from = Math.max(0, all.length - lines);
    List<String> kept = new ArrayList<>();
    for (int i = from; i < all.length; i++) {
      kept.add(all[i]);
    }
    return String.join("\n", kept);
  }

  /** The last lines of a file, or a note when it cannot be read. */
  static String fileTail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "(" + file + " does not exist)";
      }
      return "--- last lines of " + file + " ---\n"
          + tail(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), lines);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
