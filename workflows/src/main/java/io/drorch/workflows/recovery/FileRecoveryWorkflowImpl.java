package io.drorch.workflows.recovery;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.contracts.commands.FileRecoveryInput;
import io.drorch.workflows.contracts.commands.RestoreFilesInput;
import io.drorch.workflows.contracts.commands.SwapDirectoryInput;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.DecisionKind;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PartResult;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RestoreFilesResult;
import io.drorch.workflows.contracts.values.SwapDirectoryResult;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.files.FileRecoveryActivities;
import io.temporal.failure.ActivityFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
    String target = in.files().uploadsDir();
    String staging = Names.directory(target, ".restore-", in.incidentId());
    String keepAs = Names.directory(target, ".pre-", in.incidentId());
    List<String> rejected = new ArrayList<>();
    List<String> details = new ArrayList<>();
    BackupManifest used = null;
    try {
      for (BackupManifest m : in.candidates()) {
        try {
          String restore = "download, verify and extract " + m.backupId() + " into " + staging;
          Optional<RestoreFilesResult> r = s.run("files-restore", restore,
              () -> files(restore).restoreToStaging(new RestoreFilesInput(in.incidentId(), in.files(),
                  staging, in.storage(), m, in.recovery().workDir())),
              Set.of(DrError.CHECKSUM_MISMATCH.name()));
          if (r.isEmpty()) {
            throw new PartStopped(Outcome.SKIPPED, "file restore skipped");
          }
          used = m;
          details.add("extracted " + m.backupId() + ": " + r.get().files() + " files verified"
              + " against the listing (" + r.get().verifiedEntries() + " entries)");
          break;
        } catch (ActivityFailure corrupt) {
          rejected.add(m.backupId() + ": " + Failures.reason(corrupt));
        }
      }
      if (used == null) {
        throw new PartStopped(Outcome.FAILED, in.candidates().isEmpty()
            ? "no valid file backup to restore"
            : "every candidate backup is corrupt: " + String.join("; ", rejected));
      }
      DecisionRecord approval = s.ask("files-swap", DecisionKind.DESTRUCTIVE_STEP,
          "Put the restored uploads '" + staging + "' (backup " + used.backupId()
              + ", every file verified) in place as '" + target + "'; the current directory (if"
              + " any) is kept as '" + keepAs + "'");
      if (approval.verdict() != Verdict.APPROVE) {
        throw new PartStopped(Outcome.ABORTED, "swap rejected by " + approval.approver()
            + ": the live directory was not touched; the restored copy stays in " + staging);
      }
      String rename = "rename " + staging + " → " + target + ", keeping the old one as " + keepAs;
      Optional<SwapDirectoryResult> swap = s.run("files-swap", rename,
          () -> files(rename).swapDirectory(new SwapDirectoryInput(target, staging, keepAs)));
      if (swap.isEmpty()) {
        throw new PartStopped(Outcome.SKIPPED, "swap skipped: restored copy stays in " + staging);
      }
      s.details("**files**: recovered from " + used.backupId());
      return s.finish(new PartResult(RecoveryScope.FILES, Outcome.RECOVERED,
          DatabaseRecoveryWorkflowImpl.used(used, rejected), swap.get().previousKeptAs(), details));
    } catch (PartStopped stop) {
      details.add(stop.getMessage());
      return s.finish(new PartResult(RecoveryScope.FILES, stop.outcome,
          used == null ? null : DatabaseRecoveryWorkflowImpl.used(used, rejected), null, details));
    }
  }
}
