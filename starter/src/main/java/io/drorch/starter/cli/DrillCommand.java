package io.drorch.starter.cli;

import io.drorch.activities.report.DrillMarkdown;
import io.drorch.starter.drill.DrillRuns;
import io.drorch.workflows.contracts.values.DrillReport;
import io.drorch.workflows.drill.Drills;
import io.temporal.client.WorkflowStub;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "drill", mixinStandardHelpOptions = true,
    description = "DR drills: restore the newest backups into scratch targets (never the live"
        + " ones) and measure RTO and RPO (a worker must be running: `dr worker`).",
    subcommands = {DrillCommand.Run.class, DrillCommand.Cleanup.class})
class DrillCommand {

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run a drill now and wait for its report (exit 1 when it fails).")
  static class Run implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Option(names = "--scope", split = ",",
        description = "database and/or files (default: the plan's drills.scope).")
    List<String> scope;

    @Option(names = "--id", description = "The drill id (default: drill-<UTC time>).")
    String id;

    @Option(names = "--no-wait", description = "Start it and return.")
    boolean noWait;

    @Option(names = "--requested-by", description = "Who asks (default: $USER).")
    String requestedBy = System.getProperty("user.name");

    @Override
    public Integer call() {
      if (scope != null) {
        for (String s : scope) {
          if (!List.of("database", "files").contains(s)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "--scope " + s + ": a drill restores database and/or files");
          }
        }
      }
      try (Temporal temporal = Temporal.connect(global)) {
        WorkflowStub run = DrillRuns.start(temporal.client(), global.taskQueue(), id, scope,
            requestedBy);
        String wid = run.getExecution().getWorkflowId();
        System.out.println("started " + wid);
        if (noWait) {
          System.out.println("follow it in the Temporal Web UI, or: dr drills list");
          return ExitCodes.OK;
        }
        Optional<DrillReport> report = DrillRuns.report(run);
        if (report.isEmpty()) {
          System.out.println(wid + " FAILED without a report");
          return ExitCodes.FAILED;
        }
        DrillReport r = report.get();
        System.out.println(DrillMarkdown.summary(r));
        r.problems().forEach(p -> System.out.println("  problem: " + p));
        if (r.scratchKeptUntil() != null) {
          System.out.println("  scratch targets kept until " + r.scratchKeptUntil()
              + " (dr drill cleanup " + r.drillId() + " removes them now)");
        }
        if (r.markdownKey() != null) {
          System.out.println("  report: s3://" + global.loadPlan().storage().bucket() + "/"
              + r.markdownKey());
        }
        return r.passed() ? ExitCodes.OK : ExitCodes.FAILED;
      }
    }
  }

  @Command(name = "cleanup", mixinStandardHelpOptions = true,
      description = "Remove a drill's scratch targets now (a failed drill keeps them for"
          + " inspection until the plan's drills.keep-failed-for).")
  static class Cleanup implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "DRILL", description = "e.g. drill-20261201T030000Z")
    String drillId;

    @Option(names = "--requested-by", description = "Who asks (default: $USER).")
    String requestedBy = System.getProperty("user.name");

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
      if (!Drills.isDrillId(drillId)) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
            "'" + drillId + "' is not a drill id (dr drills list shows them)");
      }
      try (Temporal temporal = Temporal.connect(global)) {
        WorkflowStub run = DrillRuns.cleanup(temporal.client(), global.taskQueue(), drillId,
            requestedBy);
        List<String> removed = run.getResult(List.class);
        System.out.println(removed.isEmpty() ? "nothing left to remove for " + drillId
            : "removed " + String.join(", ", removed));
        return ExitCodes.OK;
      }
    }
  }
}
