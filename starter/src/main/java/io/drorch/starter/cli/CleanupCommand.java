package io.drorch.starter.cli;

import io.drorch.activities.cleanup.RecoveryCopies;
import io.drorch.activities.plan.Durations;
import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cleanup", mixinStandardHelpOptions = true,
    description = "Remove what a finished recovery kept: the previous database and directory"
        + " (_pre_ / .pre-), restored copies not swapped in (_restore_ / .restore-), the replaced"
        + " env file (.pre-INCIDENT) and downloads. Run it on the worker's host, with the plan"
        + " and PGPASSWORD. Lists them, then asks you to type the incident id (or --yes). Refuses"
        + " while the recovery runs, and until recovery.keep-copies after it ended (--force).")
class CleanupCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Parameters(index = "0", paramLabel = "INCIDENT")
  String incident;

  @Option(names = "--yes", description = "Do not ask for confirmation.")
  boolean yes;

  @Option(names = "--force",
      description = "Remove the copies even before recovery.keep-copies has passed.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    if (!incident.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,39}")) {
      System.err.println("'" + incident + "' is not an incident id (letters, digits, '-', '_').");
      return ExitCodes.USAGE;
    }
    DrPlan plan = global.loadPlan();
    Duration keep = PlanDefaults.recovery(plan.recovery()).keepCopies();
    try (Temporal temporal = Temporal.connect(global)) {
      Optional<WorkflowExecutionDescription> run =
          RecoveryRuns.describe(temporal.client(), incident);
      if (run.isPresent() && run.get().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        System.err.println("recovery-" + incident + " is still running: its copies are in use."
            + " Nothing removed. Run this after it ended (`dr status " + incident + "`).");
        return ExitCodes.FAILED;
      }
      Instant closed = run.map(r -> r.getCloseTime()).orElse(null);
      if (closed != null && !force && closed.plus(keep).isAfter(Instant.now())) {
        System.err.println("recovery-" + incident + " ended at " + closed + "; its copies are"
            + " kept until " + closed.plus(keep) + " (recovery.keep-copies: "
            + Durations.compact(keep) + "). Nothing removed. Use --force to remove them now.");
        return ExitCodes.FAILED;
      }
    }
    RecoveryCopies copies = new RecoveryCopies(plan, DatabaseCredentials.fromEnvironment());
    List<RecoveryCopies.Copy> found = copies.find(incident);
    if (found.isEmpty()) {
      System.out.println("Nothing of " + incident + " to clean up.");
      return ExitCodes.OK;
    }
    System.out.println("These were kept by the recovery of " + incident + ":");
    for (RecoveryCopies.Copy c : found) {
      System.out.printf(Locale.ROOT, "  %-9s %s (%.1f MiB)%n", c.kind(), c.name(),
          c.bytes() / 1048576.0);
    }
    if (!yes) {
      System.out.print("Type " + incident + " to remove them (anything else keeps them): ");
      System.out.flush();
      String answer = new BufferedReader(new InputStreamReader(System.in,
          StandardCharsets.UTF_8)).readLine();
      if (answer == null || !answer.strip().equals(incident)) {
        System.out.println("Nothing removed.");
        return ExitCodes.FAILED;
      }
    }
    List<String> problems = copies.remove(found);
    problems.forEach(p -> System.err.println("not removed: " + p));
    System.out.println("Removed " + (found.size() - problems.size()) + " of " + found.size()
        + ".");
    return problems.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
