package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.contracts.commands.CleanupScratchInput;
import io.drorch.workflows.contracts.commands.RestoreTestInput;
import io.drorch.workflows.contracts.commands.WriteRestoreVerdictInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.CleanupScratchResult;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import io.drorch.workflows.contracts.values.WriteRestoreVerdictResult;
import io.drorch.workflows.restoretest.RestoreTestActivities;
import io.drorch.workflows.restoretest.RestoreVerdicts;
import io.drorch.workflows.restoretest.ScratchTargets;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;

/**
 * Workflow-side restore tests, shared by verify-by-restore and drills: the scratch target of a
 * test (derived by {@link ScratchTargets}, checked before anything runs), the test itself (a
 * machinery failure that outlasts the retries becomes FAILED_RESTORE), the write-once marker and
 * the cleanup.
 */
public final class RestoreTests {
  private RestoreTests() {}

  /**
   * The scratch database or directory of test {@code id} for a backup of {@code kind}; throws
   * SCRATCH_REFUSED-like BAD_INPUT when the plan's live target would make it unsafe.
   */
  public static String scratch(DrPlan plan, BackupKind kind, String id) {
    if (kind == BackupKind.DATABASE) {
      String name = ScratchTargets.databaseName(plan.database().name(), id);
      String refused = ScratchTargets.databaseRefusal(plan.database().name(), name);
      if (refused != null) {
        throw io.drorch.workflows.common.DrError.SCRATCH_REFUSED.failure(refused);
      }
      return name;
    }
    String dir = ScratchTargets.directory(plan.files().uploadsDir(), id);
    String refused = ScratchTargets.directoryRefusal(plan.files().uploadsDir(), dir);
    if (refused != null) {
      throw io.drorch.workflows.common.DrError.SCRATCH_REFUSED.failure(refused);
    }
    return dir;
  }

  /**
   * Restores {@code backup} into {@code scratch} and compares it with its manifest. Never throws
   * for the backup's sake: a test that kept failing is FAILED_RESTORE with the reason.
   */
  public static RestoreVerdict run(DrPlan plan, String testId, BackupManifest backup,
      String scratch) {
    RecoverySettings settings = PlanDefaults.recovery(plan.recovery());
    RestoreTestInput in = new RestoreTestInput(testId, backup, plan.storage(), plan.database(),
        plan.files(), scratch, settings.workDir(), settings.restoreJobs());
    Instant started = now();
    RestoreTestActivities a = ActivityStubs.longRunning(RestoreTestActivities.class,
        "restore " + backup.backupId() + " into scratch " + scratch + " and compare it with its"
            + (backup.kind() == BackupKind.DATABASE ? " manifest" : " listing"));
    try {
      return backup.kind() == BackupKind.DATABASE ? a.testDatabaseRestore(in)
          : a.testFilesRestore(in);
    } catch (ActivityFailure e) {
      return RestoreVerdicts.failed(backup, Workflow.getInfo().getWorkflowId(), scratch,
          "the restore test kept failing: " + Failures.reason(e), started, now());
    }
  }

  /** Writes the backup's write-once marker; the stored verdict stands (null: not written). */
  public static WriteRestoreVerdictResult mark(DrPlan plan, RestoreVerdict verdict) {
    try {
      return ActivityStubs.quick(StorageActivities.class, "mark " + verdict.backupId() + " "
              + verdict.outcome() + " at " + BackupKeys.url(plan.storage(),
                  BackupKeys.verifiedKey(plan.storage(), verdict.kind(), verdict.backupId())))
          .writeRestoreVerdict(new WriteRestoreVerdictInput(plan.storage(), verdict));
    } catch (ActivityFailure e) {
      Workflow.getLogger(RestoreTests.class).error("the restore verdict of {} could not be"
          + " stored: {}", verdict.backupId(), Failures.reason(e));
      return null;
    }
  }

  /** Drops the scratch database or removes the scratch directory (a marked one only). */
  public static CleanupScratchResult cleanup(DrPlan plan, String testId, BackupKind kind,
      String scratch) {
    RecoverySettings settings = PlanDefaults.recovery(plan.recovery());
    return ActivityStubs.quick(RestoreTestActivities.class, "remove scratch " + scratch)
        .cleanupScratch(new CleanupScratchInput(testId, kind, plan.database(), plan.files(),
            scratch, settings.workDir()));
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
