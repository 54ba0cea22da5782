package io.drorch.starter.cli;

import io.drorch.activities.common.Json;
import io.drorch.activities.report.DrillMarkdown;
import io.drorch.activities.report.ReportMarkdown;
import io.drorch.activities.report.StoredDrills;
import io.drorch.activities.storage.S3Clients;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.DrillReport;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "drills", mixinStandardHelpOptions = true,
    description = "The drill reports stored in S3 (reads S3 directly with your AWS credentials).",
    subcommands = {DrillsCommand.ListDrills.class})
class DrillsCommand {

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Every drill, newest first: pass/fail, achieved RTO and RPO against the"
          + " objectives.")
  static class ListDrills implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Option(names = "--limit", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit = 50;

    @Option(names = "--json", description = "Print JSON (the stored reports).")
    boolean json;

    @Override
    public Integer call() {
      DrPlan plan = global.loadPlan();
      try (S3Clients s3 = S3Clients.withDefaultCredentials()) {
        List<StoredDrills.Stored> drills = new StoredDrills(s3.store(plan.storage())).list(limit);
        if (json) {
          System.out.println(new String(Json.bytes(drills), StandardCharsets.UTF_8));
        } else {
          print(drills, System.out);
        }
        return ExitCodes.OK;
      }
    }
  }

  static void print(List<StoredDrills.Stored> drills, PrintStream out) {
    String format = "%-26s %-17s %-7s %-12s %s%n";
    out.printf(format, "DRILL", "STARTED (UTC)", "RESULT", "RTO (obj.)", "RPO (objective)");
    for (StoredDrills.Stored s : drills) {
      DrillReport r = s.report();
      if (r == null) {
        out.printf(format, s.drillId(), "", "?", "", s.problem());
        continue;
      }
      out.printf(format, s.drillId(), r.startedAt() == null ? "" : r.startedAt().toString()
              .replace("T", " ").replaceAll(":\\d\\d(\\.\\d+)?Z$", ""),
          r.passed() ? "PASSED" : "FAILED",
          ReportMarkdown.withObjective(r.rtoAchieved(), r.rtoObjective()), DrillMarkdown.rpo(r));
    }
    if (drills.isEmpty()) {
      out.println("(no drills yet: dr drill run)");
    }
  }

  /** The last drill in one paragraph for `dr plan render`, or why it could not be read. */
  static String lastDrill(DrPlan plan) {
    try (S3Clients s3 = S3Clients.withDefaultCredentials()) {
      return new StoredDrills(s3.store(plan.storage())).last()
          .map(r -> "`" + DrillMarkdown.summary(r) + "`, started " + r.startedAt()
              + (r.markdownKey() == null ? "" : "; report `" + r.markdownKey() + "`")
              + (r.problems().isEmpty() ? "" : "; problems: " + String.join("; ", r.problems())))
          .orElse("No drill has been run yet: `dr drill run`.");
    } catch (RuntimeException e) {
      return "_The last drill could not be read from S3: " + Errors.describe(e) + "._";
    }
  }
}
