package io.drorch.starter.cli;

import io.drorch.activities.plan.PlanSource;
import io.drorch.worker.WorkerLogs;
import io.drorch.worker.WorkerMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Run the worker: hosts the workflows and activities, bound to its plan (--plan,"
        + " read again for each workflow: approvers, keys, commands, paths, hosts) and its task"
        + " queue. PGPASSWORD / ~/.pgpass and AWS credentials come from this process's"
        + " environment; Temporal from TEMPORAL_ADDRESS, TEMPORAL_API_KEY, TEMPORAL_TLS_* or a"
        + " temporal.toml profile; payload keys from DR_PAYLOAD_KEYS or DR_PAYLOAD_KEY. A plan"
        + " with problems stops it (exit 3).")
class WorkerCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--log-file", paramLabel = "FILE",
      description = "Append the log to FILE instead of stderr.")
  Path logFile;

  @Override
  public Integer call() throws InterruptedException {
    if (logFile != null) {
      WorkerLogs.toFile(logFile);
      System.err.println("worker log: " + logFile.toAbsolutePath());
    }
    try {
      WorkerMain.run(global.temporal(), PlanSource.file(global.planPath()), global.taskQueue());
    } catch (IllegalStateException e) {
      throw new ExitCodes.UnavailableException(e.getMessage(), e);
    }
    return ExitCodes.OK;
  }
}
