package io.drorch.starter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling helpers of the crash and restart tests. */
public final class Waits {
  private Waits() {}

  /** Polls every 20 ms until the condition holds; fails naming what was awaited. */
  public static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
  }

  /** True while a process whose command line holds both strings runs (read from /proc). */
  public static boolean processRunning(String program, String argument) {
    try (var procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().matches("\\d+")).anyMatch(p -> {
        try {
          String[] args = new String(Files.readAllBytes(p.resolve("cmdline"))).split("\0");
          return args.length > 0 && Path.of(args[0]).getFileName().toString().equals(program)
              && java.util.Arrays.asList(args).contains(argument);
        } catch (Exception gone) {
          return false;
        }
      });
    } catch (Exception e) {
      return false;
    }
  }
}
