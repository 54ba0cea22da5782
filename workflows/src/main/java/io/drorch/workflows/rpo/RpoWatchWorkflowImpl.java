package io.drorch.workflows.rpo;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.RpoWatchInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.RpoAge;
import io.drorch.workflows.contracts.values.RpoSnapshot;
import io.drorch.workflows.contracts.values.RpoWatchResult;
import io.drorch.workflows.contracts.values.RpoWatchState;
import io.drorch.workflows.notify.Notifier;
import io.drorch.workflows.plan.Plans;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

public class RpoWatchWorkflowImpl implements RpoWatchWorkflow {
  /** The notifications' incident id: the watch is not an incident, but its messages say where from. */
  public static final String SOURCE = "rpo-watch";

  @Override
  public RpoWatchResult tick(RpoWatchInput input) {
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_RPO_WATCH);
    DrPlan plan = Plans.load().plan();
    Inputs.check("worker's plan")
        .require(plan.storage() != null, "storage section is missing")
        .require(plan.objectives() != null, "objectives section is missing")
        .orFail();
    RpoSnapshot snapshot = ActivityStubs.quick(RpoActivities.class,
        "measure the age of the newest archived WAL and backups against the RPOs").measure(plan);
    RpoWatchState previous = ActivityStubs.quick(RpoActivities.class,
        "read the RPO watch's previous state").previous(plan.storage());
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    RpoEscalation.Step step = RpoEscalation.next(previous, snapshot, now, plan.escalation());
    Workflow.setCurrentDetails(details(snapshot));

    Notifier notifier = new Notifier(SOURCE, plan.notifications(), plan.escalation());
    List<String> events = new ArrayList<>();
    for (RpoEscalation.Notice n : step.notices()) {
      notifier.send(n.event(), n.level(), n.text());
      events.add(n.describe());
    }
    notifier.awaitDelivered();
    ActivityStubs.quick(RpoActivities.class, "store the RPO watch's state")
        .record(plan.storage(), step.state());
    return new RpoWatchResult(step.state(), events);
  }

  private static String details(RpoSnapshot s) {
    StringBuilder b = new StringBuilder("**RPO watch**");
    for (RpoAge a : s.ages()) {
      b.append("\n- ").append(a.kind()).append(": ")
          .append(a.ageSeconds() == null ? "none" : a.ageSeconds() + " s").append(" / RPO ")
          .append(a.limitSeconds()).append(" s").append(a.breached() ? " **BREACH**" : " ok");
    }
    return b.toString();
  }
}
