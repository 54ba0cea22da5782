package io.drorch.starter.demo;

import io.drorch.activities.plan.PlanSource;
import io.drorch.activities.plan.PlanWriter;
import io.drorch.worker.DrWorker;
import io.drorch.worker.WorkerSecrets;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * An in-process worker bound to a plan made by a program (the drill, the bench, the tests): the
 * plan is written to a file (with its allowed_signers beside it) and the worker reads that file,
 * as a production worker reads its {@code --plan}; it polls its own task queue.
 */
public final class LocalWorker implements AutoCloseable {
  private final DrWorker worker;
  private final Path planFile;

  private LocalWorker(DrWorker worker, Path planFile) {
    this.worker = worker;
    this.planFile = planFile;
  }

  /** Writes {@code plan} to {@code planFile} and starts a worker on {@code taskQueue}. */
  public static LocalWorker start(WorkflowClient client, WorkerSecrets secrets, DrPlan plan,
      Path planFile, String taskQueue) {
    try {
      PlanWriter.write(plan, planFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the plan " + planFile, e);
    }
    return new LocalWorker(DrWorker.start(client, secrets, PlanSource.file(planFile), taskQueue),
        planFile);
  }

  public String taskQueue() {
    return worker.taskQueue();
  }

  public Path planFile() {
    return planFile;
  }

  /** SHA-256 of the plan file the worker reads. */
  public String planSha256() {
    return worker.plan().sha256();
  }

  @Override
  public void close() {
    worker.close();
  }
}
