package io.drorch.starter.cli;

import io.drorch.activities.report.ReportMarkdown;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.contracts.values.RecoveryReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Print the incident report of a finished recovery (Markdown; also stored in S3).")
class ReportCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Parameters(index = "0", paramLabel = "INCIDENT")
  String incident;

  @Override
  public Integer call() {
    try (Temporal temporal = Temporal.connect(global)) {
      var status = RecoveryRuns.existing(temporal.client(), incident).status();
      if (status.outcome() == null) {
        System.err.println("recovery-" + incident + " is still running (phase " + status.phase()
            + "); the report is written when it ends. See `dr status " + incident + "`.");
        return ExitCodes.FAILED;
      }
      RecoveryReport r = RecoveryRuns.result(temporal.client(), incident);
      System.out.print(ReportMarkdown.render(r));
      return ExitCodes.OK;
    }
  }

  static String summary(RecoveryReport r) {
    return String.format("%s %s in %d min (RTO objective %d h); RPO %s; report %s",
        r.incidentId(), r.outcome(), r.rtoAchieved().toMinutes(), r.rtoObjective().toHours(),
        r.rpoAchieved(), r.markdownKey());
  }
}
