package io.drorch.workflows.postincident;

import io.drorch.workflows.contracts.commands.PostIncidentInput;
import io.drorch.workflows.contracts.commands.PostmortemEntry;
import io.drorch.workflows.contracts.values.Postmortem;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The post-mortem of an incident ({@code postincident-<INC>}), opened when its recovery ends: the
 * plan's five post-recovery steps as items with an owner and a due date, recorded with {@code dr
 * postmortem INC …} (the {@link #record} Update, validated); reminders before and after the due
 * dates, escalating one level at a time like approvals; closes when all five are done, and then
 * re-renders the incident report in S3 with the answers (the first version is kept).
 */
@WorkflowInterface
public interface PostIncidentWorkflow {
  String ID_PREFIX = "postincident-";

  @WorkflowMethod
  Postmortem run(PostIncidentInput input);

  @UpdateMethod
  Postmortem record(PostmortemEntry entry);

  @UpdateValidatorMethod(updateName = "record")
  void validateRecord(PostmortemEntry entry);

  @QueryMethod
  Postmortem status();
}
