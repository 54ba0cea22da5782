package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.VerifyByRestoreInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.WriteRestoreVerdictResult;
import io.drorch.workflows.notify.Notifier;
import io.drorch.workflows.plan.Plans;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.ZoneOffset;

public class VerifyByRestoreWorkflowImpl implements VerifyByRestoreWorkflow {
  @Override
  public RestoreVerdict verify(VerifyByRestoreInput in) {
    BackupManifest m = in.backup();
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_VERIFY);
    SearchAttributes.upsert(SearchAttributes.DR_INCIDENT, m.backupId());
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "load-plan");
    DrPlan plan = Plans.load().plan();
    if (in.onlyFirstOfDay() && testedSameDay(plan, m)) {
      SearchAttributes.upsert(SearchAttributes.DR_PHASE, "skipped: a backup of that day is tested");
      return null;
    }
    String id = m.backupId();
    String scratch;
    try {
      scratch = RestoreTests.scratch(plan, m.kind(), id);
    } catch (ApplicationFailure refused) {
      throw refused;
    }
    String testId = "verify-" + id;
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "restore");
    Workflow.setCurrentDetails("**Verify by restore** " + id + " into scratch `" + scratch + "`");
    RestoreVerdict v = RestoreTests.run(plan, testId, m, scratch);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "mark");
    WriteRestoreVerdictResult w = RestoreTests.mark(plan, v);
    RestoreVerdict stands = w == null ? v : w.stored();
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "cleanup");
    try {
      RestoreTests.cleanup(plan, testId, m.kind(), scratch);
    } catch (ActivityFailure e) {
      Workflow.getLogger(VerifyByRestoreWorkflowImpl.class).warn("scratch {} not removed: {}",
          scratch, Failures.reason(e));
    }
    if (!stands.verified()) {
      Notifier notifier = new Notifier(id, plan.notifications(), plan.escalation());
      String text = "Backup " + id + " FAILED its restore test (" + stands.reason() + "). It is"
          + " marked FAILED-RESTORE; recoveries will not prefer it. Take a new backup and look"
          + " at the cause: `dr backups list`.";
      notifier.send("restore-test-failed", 1, text);
      notifier.send("restore-test-failed-escalated", 2, text);
      notifier.awaitDelivered();
    }
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "done: " + stands.outcome());
    Workflow.setCurrentDetails("**Verify by restore** " + id + ": " + stands.outcome()
        + (stands.reason() == null ? "" : " — " + stands.reason()));
    return stands;
  }

  /** Another backup of the kind already has a marker from the same UTC day as this one. */
  private static boolean testedSameDay(DrPlan plan, BackupManifest m) {
    BackupCatalog catalog = ActivityStubs.quick(StorageActivities.class,
            "find backups of the same day already tested by restore")
        .listBackups(plan.storage());
    var day = m.startedAt().atZone(ZoneOffset.UTC).toLocalDate();
    for (StoredBackup b : catalog.backups()) {
      if (b.manifest().kind() == m.kind() && !b.manifest().backupId().equals(m.backupId())
          && b.verification() != null && b.verification().at() != null
          && b.manifest().startedAt().atZone(ZoneOffset.UTC).toLocalDate().equals(day)) {
        return true;
      }
    }
    return false;
  }
}
