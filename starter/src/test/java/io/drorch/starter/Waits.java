package io.drorch.starter;

import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling helpers of the end-to-end, crash and restart tests. */
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

  /**
   * Polls a recovery's status until a decision is pending at {@code step} (any step when null)
   * and at {@code level} (any level when 0); fails with the last status.
   */
  public static PendingDecision pending(RecoveryWorkflow wf, String step, int level,
      Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        for (PendingDecision p : wf.status().pending()) {
          if ((step == null || p.step().equals(step)) && (level == 0 || p.level() == level)) {
            return p;
          }
        }
      } catch (io.temporal.client.WorkflowServiceException | io.temporal.client.WorkflowQueryException
          notYet) {
        // a query needs a worker that has replayed the history: right after a worker restart
        // none may poll yet ("no poller seen for task queue recently"), or its first replay may
        // still be warming up; keep asking until the deadline (a lasting failure is reported)
        lastError = notYet;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no decision became pending at " + (step == null ? "any step" : step)
        + (level == 0 ? "" : " at level " + level) + " within " + timeout.toSeconds() + " s: "
        + (lastError != null ? "last query failed: " + lastError : wf.status()), lastError);
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
