package io.drorch.starter.cli;

import io.drorch.activities.report.ReportMarkdown;
import io.drorch.activities.report.StoredReports;
import io.drorch.activities.storage.S3Clients;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Print the incident report of a finished recovery (Markdown): the run's result"
        + " while Temporal keeps it, else the copy stored in S3 (PREFIX/reports/INCIDENT/; needs"
        + " the plan and AWS credentials).")
class ReportCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Parameters(index = "0", paramLabel = "INCIDENT")
  String incident;

  @Override
  public Integer call() {
    String why;
    try (Temporal temporal = Temporal.connect(global)) {
      Optional<WorkflowExecutionDescription> run =
          RecoveryRuns.describe(temporal.client(), incident);
      if (run.isEmpty()) {
        why = "Temporal has no run recovery-" + incident + " (its retention removed it, or it"
            + " never ran)";
      } else if (run.get().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        String phase = run.get().getTypedSearchAttributes().get(SearchAttributes.DR_PHASE);
        System.err.println("recovery-" + incident + " is still running"
            + (phase == null ? "" : " (phase " + phase + ")")
            + "; the report is written when it ends. See `dr status " + incident + "`.");
        return ExitCodes.FAILED;
      } else if (run.get().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
        RecoveryReport r = RecoveryRuns.result(temporal.client(), incident);
        System.out.print(ReportMarkdown.render(r));
        return ExitCodes.OK;
      } else {
        why = "recovery-" + incident + " ended without a result ("
            + run.get().getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "") + ")";
      }
    } catch (ExitCodes.UnavailableException e) {
      why = e.getMessage();
    }
    return fromS3(why);
  }

  private int fromS3(String why) {
    DrPlan plan = global.loadPlan();
    try (S3Clients s3 = S3Clients.withDefaultCredentials()) {
      var store = s3.store(plan.storage());
      Optional<String> md = new StoredReports(store).markdown(incident);
      String where = "s3://" + plan.storage().bucket() + "/"
          + io.drorch.workflows.backup.BackupKeys.root(plan.storage()) + "reports/" + incident + "/";
      if (md.isEmpty()) {
        System.err.println(why + "; and there is no report in " + where);
        return ExitCodes.FAILED;
      }
      System.err.println(why + "; the report stored in " + where + ":");
      System.out.print(md.get());
      return ExitCodes.OK;
    }
  }
}
