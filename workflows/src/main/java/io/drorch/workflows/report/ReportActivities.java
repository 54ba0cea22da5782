package io.drorch.workflows.report;

import io.drorch.workflows.contracts.commands.WriteDrillReportInput;
import io.drorch.workflows.contracts.commands.WritePostmortemInput;
import io.drorch.workflows.contracts.commands.WriteReportInput;
import io.drorch.workflows.contracts.values.ReportLocation;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Writes the incident report (Markdown and JSON) next to the backups. */
@ActivityInterface
public interface ReportActivities {

  /** Renders and stores both files; overwriting the same incident's report is allowed. */
  @ActivityMethod
  ReportLocation writeReport(WriteReportInput input);

  /**
   * Renders and stores a drill's report at {@code PREFIX/drills/<drill-id>/drill-report.md} and
   * {@code .json}. Idempotent: the same report overwrites the same two keys.
   */
  @ActivityMethod
  ReportLocation writeDrillReport(WriteDrillReportInput input);

  /**
   * Re-renders the incident report stored by {@link #writeReport} with its post-mortem: the
   * first version is kept as {@code recovery-report.v1.md} and {@code .v1.json} (written once),
   * then the report is overwritten with the post-mortem's answers. Idempotent.
   * BACKUP_NOT_FOUND-like BAD_INPUT when the incident has no stored report.
   */
  @ActivityMethod
  ReportLocation writePostmortem(WritePostmortemInput input);
}
