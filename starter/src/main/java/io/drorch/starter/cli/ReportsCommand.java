package io.drorch.starter.cli;

import io.drorch.activities.common.Json;
import io.drorch.activities.report.ReportMarkdown;
import io.drorch.activities.report.StoredReports;
import io.drorch.activities.storage.S3Clients;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.RecoveryReport;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reports", mixinStandardHelpOptions = true,
    description = "The incident reports stored in S3 (reads S3 directly with your AWS credentials;"
        + " no Temporal needed).",
    subcommands = {ReportsCommand.ListReports.class})
class ReportsCommand {

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Every incident with a stored report, newest first: outcome, achieved RTO and"
          + " RPO against the objectives. `dr report INCIDENT` prints one.")
  static class ListReports implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Option(names = "--limit", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit = 50;

    @Option(names = "--json", description = "Print JSON (the stored reports) instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      DrPlan plan = global.loadPlan();
      try (S3Clients s3 = S3Clients.withDefaultCredentials()) {
        List<StoredReports.Stored> reports =
            new StoredReports(s3.store(plan.storage())).list(limit);
        if (json) {
          System.out.println(new String(Json.bytes(reports), StandardCharsets.UTF_8));
        } else {
          print(reports, System.out);
        }
        return ExitCodes.OK;
      }
    }
  }

  static void print(List<StoredReports.Stored> reports, PrintStream out) {
    String format = "%-24s %-17s %-11s %-18s %s%n";
    out.printf(format, "INCIDENT", "STORED (UTC)", "OUTCOME", "RTO (objective)", "RPO (objective)");
    for (StoredReports.Stored s : reports) {
      String stored = s.storedAt() == null ? ""
          : s.storedAt().toString().replace("T", " ").replaceAll(":\\d\\d(\\.\\d+)?Z$", "");
      RecoveryReport r = s.report();
      if (r == null) {
        out.printf(format, s.incident(), stored, "?", "", s.problem());
        continue;
      }
      out.printf(format, s.incident(), stored, r.outcome(),
          ReportMarkdown.withObjective(r.rtoAchieved(), r.rtoObjective()), ReportMarkdown.rpo(r));
    }
    if (reports.isEmpty()) {
      out.println("(no reports)");
    }
  }
}
