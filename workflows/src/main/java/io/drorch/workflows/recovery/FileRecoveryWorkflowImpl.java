package io.drorch.workflows.recovery;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Versions;
import io.drorch.workflows.contracts.commands.FileRecoveryInput;
import io.drorch.workflows.contracts.commands.RestoreFilesInput;
import io.drorch.workflows.contracts.commands.SwapDirectoryInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.PartResult;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RestoreFilesResult;
import io.drorch.workflows.files.FileRecoveryActivities;

public class FileRecoveryWorkflowImpl extends ChildRecoveryBase
    implements FileRecoveryWorkflow {
  /** A stub for one call, shown in the Web UI as {@code summary}. */
  private static FileRecoveryActivities files(String summary) {
    return ActivityStubs.longRunning(FileRecoveryActivities.class, summary);
  }

  public FileRecoveryWorkflowImpl() {
    super("files");
  }

  @Override
  public PartResult recover(FileRecoveryInput in) {
    ChildSteps s = steps();
    DrPlan plan;
    try {
      plan = s.plan(in.planSha256());
    } catch (PartStopped stop) {
      return DataRecovery.stopped(s, RecoveryScope.FILES, stop);
    }
    return DataRecovery.recover(s, in.candidates(), new Part(in.incidentId(), plan.files(),
        plan.storage(), RecoveryInputs.settings(plan)));
  }

  /** Safe extraction into staging, every file verified → directory swap by rename. */
  private static final class Part extends DataRecovery.Part<RestoreFilesResult> {
    private final String incidentId;
    private final FilesTarget files;
    private final StorageTarget storage;
    private final RecoverySettings recovery;
    private final String target;
    /** The staging base; each attempt extracts into {@code <it>.a<N>}. */
    private final String stagingBase;
    /** The staging directory restored (the attempt that succeeded; the base until then). */
    private String staging;
    private final String keepAs;
    /** The restoring host's queue and the marker it wrote into staging (null: older worker). */
    private String hostQueue;
    private String marker;

    Part(String incidentId, FilesTarget files, StorageTarget storage, RecoverySettings recovery) {
      super(RecoveryScope.FILES, "files", "file",
          "in " + Names.directory(files.uploadsDir(), ".restore-", incidentId));
      this.incidentId = incidentId;
      this.files = files;
      this.storage = storage;
      this.recovery = recovery;
      this.target = files.uploadsDir();
      this.stagingBase = Names.directory(target, ".restore-", incidentId);
      this.staging = stagingBase;
      this.keepAs = Names.directory(target, ".pre-", incidentId);
    }

    @Override
    String restoreDescription(BackupManifest m) {
      return "download, verify and extract " + m.backupId() + " into " + stagingBase + ".a<N>";
    }

    @Override
    RestoreFilesResult restore(BackupManifest m) {
      RestoreFilesResult r = files(restoreDescription(m)).restoreToStaging(new RestoreFilesInput(
          incidentId, files, stagingBase, storage, m, recovery.workDir()));
      if (r.stagingDir() != null) {
        staging = r.stagingDir(); // the attempt that succeeded
        restoredCopy = "in " + staging;
      }
      hostQueue = r.hostQueue();
      marker = r.marker();
      madeCopy(r.fingerprint());
      return r;
    }

    @Override
    String restored(BackupManifest m, RestoreFilesResult r) {
      return "extracted " + m.backupId() + ": " + r.files() + " files verified"
          + " against the listing (" + r.verifiedEntries() + " entries)";
    }

    @Override
    String swapQuestion(BackupManifest backup) {
      return "Put the restored uploads '" + staging + "' (backup " + backup.backupId()
          + ", every file verified) in place as '" + target + "'; the current directory (if"
          + " any) is kept as '" + keepAs + "'";
    }

    @Override
    String swapDescription() {
      return "rename " + staging + " → " + target + ", keeping the old one as " + keepAs;
    }

    /** On the host that holds staging (its queue), proven by the marker; older runs: shared. */
    @Override
    String swap() {
      boolean pinned = Versions.has(Versions.HOST_AFFINITY) && hostQueue != null;
      FileRecoveryActivities stub = pinned
          ? ActivityStubs.longRunningOn(FileRecoveryActivities.class, swapDescription(), hostQueue)
          : files(swapDescription());
      return stub.swapDirectory(new SwapDirectoryInput(target, staging, keepAs, copyFingerprint,
          marker)).previousKeptAs();
    }
  }
}
