package io.drorch.workflows.drill;

import io.drorch.workflows.backup.RestoreTests;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.Timers;
import io.drorch.workflows.contracts.commands.CleanNowRequest;
import io.drorch.workflows.contracts.commands.DrillCleanupInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.CleanupScratchResult;
import io.drorch.workflows.plan.Plans;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

public class DrillCleanupWorkflowImpl implements DrillCleanupWorkflow {
  private String requestedBy;

  @Override
  public List<String> cleanup(DrillCleanupInput in) {
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_DRILL);
    SearchAttributes.upsert(SearchAttributes.DR_INCIDENT, in.drillId());
    DrPlan plan = Plans.load().plan();
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    Duration wait = in.keepUntil() == null ? Duration.ZERO : Duration.between(now, in.keepUntil());
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "kept until " + in.keepUntil());
    if (wait.compareTo(Duration.ZERO) > 0) {
      Timers.await(wait, "scratch targets of " + in.drillId() + " kept for inspection until "
          + in.keepUntil() + " (dr drill cleanup " + in.drillId() + " removes them now)",
          () -> requestedBy != null);
    }
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "cleanup");
    List<String> removed = new ArrayList<>();
    List<BackupKind> kinds = in.kinds() == null || in.kinds().isEmpty()
        ? List.of(BackupKind.DATABASE, BackupKind.FILES) : in.kinds();
    for (BackupKind kind : kinds) {
      if (kind == BackupKind.DATABASE ? plan.database() == null : plan.files() == null) {
        continue;
      }
      String scratch = RestoreTests.scratch(plan, kind, Drills.scratchId(in.drillId()));
      CleanupScratchResult r = RestoreTests.cleanup(plan,
          Drills.testId(in.drillId(), kind.folder()), kind, scratch);
      if (r.removed()) {
        removed.add(r.scratch());
      }
    }
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "done");
    Workflow.getLogger(DrillCleanupWorkflowImpl.class).info("scratch of {} removed ({}): {}",
        in.drillId(), requestedBy == null ? "deadline" : "by " + requestedBy, removed);
    return removed;
  }

  @Override
  public void cleanNow(CleanNowRequest request) {
    String by = request == null ? null : request.by();
    requestedBy = by == null ? "someone" : by;
  }
}
