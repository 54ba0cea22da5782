package io.drorch.workflows.recovery;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.contracts.commands.FileRecoveryInput;
import io.drorch.workflows.contracts.commands.RestoreFilesInput;
import io.drorch.workflows.contracts.commands.SwapDirectoryInput;
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
    return DataRecovery.recover(steps(), in.candidates(), new Part(in));
  }

  /** Safe extraction into staging, every file verified → directory swap by rename. */
  private static final class Part extends DataRecovery.Part<RestoreFilesResult> {
    private final FileRecoveryInput in;
    private final String target;
    private final String staging;
    private final String keepAs;

    Part(FileRecoveryInput in) {
      this(in, Names.directory(in.files().uploadsDir(), ".restore-", in.incidentId()));
    }

    private Part(FileRecoveryInput in, String staging) {
      super(RecoveryScope.FILES, "files", "file", "in " + staging);
      this.in = in;
      this.target = in.files().uploadsDir();
      this.staging = staging;
      this.keepAs = Names.directory(target, ".pre-", in.incidentId());
    }

    @Override
    String restoreDescription(BackupManifest m) {
      return "download, verify and extract " + m.backupId() + " into " + staging;
    }

    @Override
    RestoreFilesResult restore(BackupManifest m) {
      return files(restoreDescription(m)).restoreToStaging(new RestoreFilesInput(in.incidentId(),
          in.files(), staging, in.storage(), m, in.recovery().workDir()));
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

    @Override
    String swap() {
      return files(swapDescription())
          .swapDirectory(new SwapDirectoryInput(target, staging, keepAs)).previousKeptAs();
    }
  }
}
