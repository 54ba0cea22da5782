package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.AbortUploadsInput;
import io.drorch.workflows.contracts.commands.DeleteObjectsInput;
import io.drorch.workflows.contracts.commands.FindLockedInput;
import io.drorch.workflows.contracts.commands.RetentionInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.LeaseSet;
import io.drorch.workflows.contracts.values.LockedObject;
import io.drorch.workflows.contracts.values.RetentionResult;
import io.drorch.workflows.notify.Notifier;
import io.drorch.workflows.plan.Plans;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The retention sweep. Contract:
 * <ul>
 *   <li>Everything it reads comes first — the catalog (every manifest read whole), the Object
 *       Lock state of what it would delete, the leases — and any error there, after the
 *       activity's retries, aborts the sweep before the first deletion: the workflow fails with
 *       {@code RETENTION_ABORTED} and the plan's channels are told. A read error never makes a
 *       backup look absent.
 *   <li>What it deletes is {@link RetentionPolicy}'s decision: only backup keys, only keys derived
 *       from an expired backup's own id, never what a lease, Object Lock, the newest valid or the
 *       newest restore-verified rule keeps. Manifests go first, so no manifest names missing data.
 *   <li>Problems for a person (malformed or foreign manifests, unreadable leases) are reported in
 *       the result and on the plan's channels; they never make the sweep delete more.
 * </ul>
 */
public class RetentionWorkflowImpl implements RetentionWorkflow {
  /** Multipart uploads older than this are abandoned attempts (a dump streams within hours). */
  static final Duration STALE_UPLOAD_AGE = Duration.ofDays(1);

  private static final int DELETE_BATCH = 500;

  private int deleted;

  /** A stub for one call, shown in the Web UI as {@code summary}. */
  private static StorageActivities storage(String summary) {
    return ActivityStubs.quick(StorageActivities.class, summary);
  }

  @Override
  public RetentionResult sweep(RetentionInput input) {
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_RETENTION);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "load-plan");
    DrPlan plan = Plans.load().plan();
    StorageTarget st = plan.storage();
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "list");
    Inputs.check("worker's plan")
        .require(st != null, "storage section is missing")
        .orFail();
    Inputs.check("worker's plan")
        .notBlank(st.bucket(), "storage.bucket")
        .require(st.retentionDays() > 0,
            "storage.retention-days must be at least 1, got " + st.retentionDays())
        .orFail();

    Notifier notifier = new Notifier(Workflow.getInfo().getWorkflowId(), plan.notifications(), null);
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String root = BackupKeys.url(st, BackupKeys.root(st));
    RetentionPolicy.Rules rules =
        new RetentionPolicy.Rules(st.retentionDays(), PlanDefaults.keepVerified(st));

    RetentionPolicy.Decision d;
    try {
      BackupCatalog catalog = storage("list the backups in " + root).listBackups(st);
      RetentionPolicy.Candidates c = RetentionPolicy.candidates(st, catalog, now, rules);
      List<String> keys = c.keys();
      SearchAttributes.upsert(SearchAttributes.DR_PHASE, "check");
      List<LockedObject> locked = keys.isEmpty() ? List.of()
          : storage("check Object Lock of " + keys.size() + " objects to delete in " + root)
              .findLocked(new FindLockedInput(st, keys));
      LeaseSet leases = storage("read the leases in " + BackupKeys.url(st, BackupKeys.leasesFolder(st)))
          .listLeases(st);
      d = RetentionPolicy.decide(c, locked, leases, now);
    } catch (ActivityFailure e) {
      throw abort(notifier, st, "nothing was deleted", e);
    }

    // Manifests first: from this point on the expired backups are no longer "valid" anywhere.
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "delete");
    int aborted;
    try {
      delete(st, "expired manifests", d.manifestKeysToDelete());
      delete(st, "expired backup data objects", d.dataKeysToDelete());
      delete(st, "orphaned objects", d.orphanKeysToDelete());
      SearchAttributes.upsert(SearchAttributes.DR_PHASE, "abort-stale-uploads");
      Instant before = now.minus(STALE_UPLOAD_AGE);
      aborted = storage("abort multipart uploads in " + root + " started before " + before)
          .abortStaleUploads(new AbortUploadsInput(st, before));
    } catch (ActivityFailure e) {
      throw abort(notifier, st, deleted + " of the " + d.objectCount() + " objects it decided to"
          + " delete were deleted (the next sweep deletes the rest; a backup whose manifest is"
          + " gone and data is left is an orphan to it)", e);
    }

    if (!d.problems().isEmpty()) {
      notifier.send("retention-attention", 0, "Retention sweep of " + root + ": "
          + d.problems().size() + " problem(s) for a person; nothing they might protect was"
          + " deleted: " + String.join(" | ", d.problems()));
    }
    notifier.awaitDelivered();
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "done");
    Workflow.getLogger(RetentionWorkflowImpl.class)
        .info("retention: deleted {} backups and {} orphans; kept {} newest valid, {} verified,"
                + " {} leased, {} locked; {} keys that are not backup keys left alone; {}"
                + " problems; aborted {} uploads",
            d.delete().size(), d.orphanKeysToDelete().size(), d.keptNewestValid().size(),
            d.keptVerified().size(), d.keptLeased().size(), d.keptLocked().size(),
            d.notBackupKeys(), d.problems().size(), aborted);
    return new RetentionResult(d.expiredBackupIds(), d.keptNewestValid(), d.orphanKeysToDelete(),
        aborted, d.keptVerified(), d.keptLeased(), d.keptLocked(), d.problems());
  }

  private void delete(StorageTarget st, String what, List<String> keys) {
    for (int i = 0; i < keys.size(); i += DELETE_BATCH) {
      List<String> batch = List.copyOf(keys.subList(i, Math.min(keys.size(), i + DELETE_BATCH)));
      storage("delete " + batch.size() + " " + what + " from s3://"
          + st.bucket() + " (" + (i + 1) + "-" + (i + batch.size()) + " of "
          + keys.size() + ")").deleteObjects(new DeleteObjectsInput(st, batch));
      deleted += batch.size();
    }
  }

  /** Tells the plan's channels, then fails the sweep for good (the schedule runs it again). */
  private static ApplicationFailure abort(Notifier notifier, StorageTarget st, String state,
      ActivityFailure e) {
    String why = Failures.reason(e);
    String text = "Retention sweep of " + BackupKeys.url(st, BackupKeys.root(st))
        + " aborted: " + why + ". " + Character.toUpperCase(state.charAt(0)) + state.substring(1)
        + ". The next scheduled sweep tries again; if this repeats, check the storage and the"
        + " worker's log.";
    Workflow.getLogger(RetentionWorkflowImpl.class).error(text);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "aborted");
    notifier.send("retention-aborted", 0, text);
    notifier.awaitDelivered();
    return DrError.RETENTION_ABORTED.failure(text, e);
  }
}
