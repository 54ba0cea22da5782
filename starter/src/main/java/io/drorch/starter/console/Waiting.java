package io.drorch.starter.console;

import io.drorch.activities.report.ReportMarkdown;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for workflow results while the progress line shows what their running activities report
 * ("database pg_dump to S3 12.3 MiB · files tar.gz to S3 40 files, 3.1 MiB · elapsed 12s").
 */
public final class Waiting {
  private Waiting() {}

  /**
   * The results of {@code runs} (label → run), in their order; a failed run throws. One
   * long-polling {@code getResultAsync} per run (the SDK retries what the server refuses for a
   * moment, e.g. RESOURCE_EXHAUSTED "Workflow is busy" on a loaded host), waited on a second at a
   * time to refresh the progress line: a blocking {@code getResult(1 s)} instead gives up with
   * that refusal when its deadline falls inside the retry's back-off.
   */
  public static <T> List<T> results(WorkflowClient client, Terminal term,
      Map<String, WorkflowStub> runs, Class<T> type) {
    RunProgress progress = new RunProgress(client);
    Instant t0 = Instant.now();
    Map<String, CompletableFuture<T>> futures = new LinkedHashMap<>();
    runs.forEach((label, run) -> futures.put(label, run.getResultAsync(type)));
    List<T> out = new ArrayList<>();
    try {
      for (Map.Entry<String, CompletableFuture<T>> f : futures.entrySet()) {
        while (true) {
          try {
            out.add(f.getValue().get(1, TimeUnit.SECONDS));
            break;
          } catch (TimeoutException stillRunning) {
            List<String> parts = new ArrayList<>();
            futures.forEach((label, pending) -> {
              if (!pending.isDone()) {
                List<String> of = progress.of(label, runs.get(label).getExecution().getWorkflowId());
                parts.addAll(of.isEmpty() ? List.of(label + " running") : of);
              }
            });
            term.progress(String.join(" · ", parts),
                "elapsed " + ReportMarkdown.duration(Duration.between(t0, Instant.now())));
          } catch (ExecutionException failed) {
            throw failed.getCause() instanceof RuntimeException r ? r
                : new IllegalStateException(failed.getCause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + f.getKey(), e);
          }
        }
      }
    } finally {
      term.clearProgress();
    }
    return out;
  }
}
