package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.AbortUploadsInput;
import io.drorch.workflows.contracts.commands.DeleteObjectsInput;
import io.drorch.workflows.contracts.commands.RetentionInput;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.RetentionResult;
import io.drorch.workflows.plan.Plans;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

public class RetentionWorkflowImpl implements RetentionWorkflow {
  /** Multipart uploads older than this are abandoned attempts (a dump streams within hours). */
  static final Duration STALE_UPLOAD_AGE = Duration.ofDays(1);

  private static final int DELETE_BATCH = 500;

  /** A stub for one call, shown in the Web UI as {@code summary}. */
  private static StorageActivities storage(String summary) {
    return ActivityStubs.quick(StorageActivities.class, summary);
  }

  @Override
  public RetentionResult sweep(RetentionInput input) {
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_RETENTION);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "load-plan");
    StorageTarget storage = Plans.load().plan().storage();
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "list");
    Inputs.check("worker's plan")
        .require(storage != null, "storage section is missing")
        .orFail();
    Inputs.check("worker's plan")
        .notBlank(storage.bucket(), "storage.bucket")
        .require(storage.retentionDays() > 0,
            "storage.retention-days must be at least 1, got " + storage.retentionDays())
        .orFail();

    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String root = BackupKeys.url(storage, BackupKeys.root(storage));
    BackupCatalog catalog = storage("list the backups in " + root).listBackups(storage);
    RetentionPolicy.Decision d =
        RetentionPolicy.decide(catalog, now, storage.retentionDays());

    // Manifests first: from this point on the expired backups are no longer "valid" anywhere.
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "delete");
    delete(storage, "expired manifests", d.manifestKeysToDelete());
    delete(storage, "expired backup data objects", d.dataKeysToDelete());
    delete(storage, "orphaned objects", d.orphanKeysToDelete());
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "abort-stale-uploads");
    Instant before = now.minus(STALE_UPLOAD_AGE);
    int aborted = storage("abort multipart uploads in " + root + " started before " + before)
        .abortStaleUploads(new AbortUploadsInput(storage, before));
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "done");

    Workflow.getLogger(RetentionWorkflowImpl.class)
        .info(
            "retention: deleted {} backups, kept {} newest valid, {} orphans, aborted {} uploads",
            d.expiredBackupIds().size(),
            d.keptNewestValid().size(),
            d.orphanKeysToDelete().size(),
            aborted);
    return new RetentionResult(
        d.expiredBackupIds(), d.keptNewestValid(), d.orphanKeysToDelete(), aborted);
  }

  private void delete(StorageTarget storage, String what, List<String> keys) {
    for (int i = 0; i < keys.size(); i += DELETE_BATCH) {
      List<String> batch = List.copyOf(keys.subList(i, Math.min(keys.size(), i + DELETE_BATCH)));
      storage("delete " + batch.size() + " " + what + " from s3://"
          + storage.bucket() + " (" + (i + 1) + "-" + (i + batch.size()) + " of "
          + keys.size() + ")").deleteObjects(new DeleteObjectsInput(storage, batch));
    }
  }
}
