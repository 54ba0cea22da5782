package io.drorch.starter.console;

import io.drorch.activities.report.ReportMarkdown;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for workflow results while the progress line shows what their running activities report
 * ("database pg_dump to S3 12.3 MiB · files tar.gz to S3 40 files, 3.1 MiB · elapsed 12s").
 */
public final class Waiting {
  private Waiting() {}

  /** The results of {@code runs} (label → run), in their order; a failed run throws. */
  public static <T> List<T> results(WorkflowClient client, Terminal term,
      Map<String, WorkflowStub> runs, Class<T> type) {
    RunProgress progress = new RunProgress(client);
    Instant t0 = Instant.now();
    List<Map.Entry<String, WorkflowStub>> pending = new ArrayList<>(runs.entrySet());
    List<T> out = new ArrayList<>();
    try {
      for (Map.Entry<String, WorkflowStub> run : runs.entrySet()) {
        while (true) {
          try {
            out.add(run.getValue().getResult(1, TimeUnit.SECONDS, type));
            pending.remove(run);
            break;
          } catch (TimeoutException stillRunning) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, WorkflowStub> p : pending) {
              List<String> of = progress.of(p.getKey(), p.getValue().getExecution().getWorkflowId());
              parts.addAll(of.isEmpty() ? List.of(p.getKey() + " running") : of);
            }
            term.progress(String.join(" · ", parts),
                "elapsed " + ReportMarkdown.duration(Duration.between(t0, Instant.now())));
          }
        }
      }
    } finally {
      term.clearProgress();
    }
    return out;
  }
}
