package io.drorch.workflows.recovery;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.contracts.commands.DatabaseRecoveryInput;
import io.drorch.workflows.contracts.commands.MigrateDatabaseInput;
import io.drorch.workflows.contracts.commands.RestoreDatabaseInput;
import io.drorch.workflows.contracts.commands.SwapDatabaseInput;
import io.drorch.workflows.contracts.commands.VerifyIntegrityInput;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupUsed;
import io.drorch.workflows.contracts.values.DecisionKind;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.IntegrityResult;
import io.drorch.workflows.contracts.values.MigrateDatabaseResult;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PartResult;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RestoreDatabaseResult;
import io.drorch.workflows.contracts.values.SwapDatabaseResult;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.postgres.PostgresRecoveryActivities;
import io.temporal.failure.ActivityFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

public class DatabaseRecoveryWorkflowImpl extends ChildRecoveryBase
    implements DatabaseRecoveryWorkflow {
  /** A stub for one call, shown in the Web UI as {@code summary}. */
  private static PostgresRecoveryActivities pg(String summary) {
    return ActivityStubs.longRunning(PostgresRecoveryActivities.class, summary);
  }

  public DatabaseRecoveryWorkflowImpl() {
    super("database");
  }

  @Override
  public PartResult recover(DatabaseRecoveryInput in) {
    ChildSteps s = steps();
    DatabaseTarget live = in.database();
    String restoreName = Names.database(live.name(), "_restore_", in.incidentId());
    String keepAs = Names.database(live.name(), "_pre_", in.incidentId());
    List<String> rejected = new ArrayList<>();
    List<String> details = new ArrayList<>();
    BackupManifest used = null;
    try {
      for (BackupManifest m : in.candidates()) {
        try {
          String restore = "download, verify and pg_restore " + m.backupId() + " into "
              + restoreName;
          Optional<RestoreDatabaseResult> r = s.run("database-restore", restore,
              () -> pg(restore).restoreFromBackup(new RestoreDatabaseInput(in.incidentId(), live,
                  restoreName, in.storage(), m, in.recovery().workDir(), in.recovery().restoreJobs())),
              Set.of(DrError.CHECKSUM_MISMATCH.name()));
          if (r.isEmpty()) {
            throw new PartStopped(Outcome.SKIPPED, "database restore skipped");
          }
          used = m;
          details.add("restored " + m.backupId() + " into " + restoreName + " in "
              + r.get().restoreMillis() / 1000 + " s");
          break;
        } catch (ActivityFailure corrupt) {
          rejected.add(m.backupId() + ": " + Failures.reason(corrupt));
        }
      }
      if (used == null) {
        throw new PartStopped(Outcome.FAILED, in.candidates().isEmpty()
            ? "no valid database backup to restore"
            : "every candidate backup is corrupt: " + String.join("; ", rejected));
      }
      final BackupManifest backup = used;

      if (live.migrations() != null && !live.migrations().isBlank()) {
        String migrate = "apply pending Flyway migrations to " + restoreName;
        s.run("database-migrations", migrate,
                () -> pg(migrate).applyMigrations(
                    new MigrateDatabaseInput(live.withName(restoreName), live.migrations())))
            .ifPresent(mr -> details.add(migrations(mr)));
      }

      verifyUntilAccepted(s, in, live, restoreName, backup, details);

      DecisionRecord approval = s.ask("database-swap", DecisionKind.DESTRUCTIVE_STEP,
          "Put restored database '" + restoreName + "' (backup " + backup.backupId()
              + ", verified) in place as '" + live.name() + "'; the current '" + live.name()
              + "' (if any) is kept as '" + keepAs + "'");
      if (approval.verdict() != Verdict.APPROVE) {
        throw new PartStopped(Outcome.ABORTED, "swap rejected by " + approval.approver()
            + ": the live database was not touched; the restored copy stays as " + restoreName);
      }
      String rename =
          "rename " + restoreName + " → " + live.name() + ", keeping the old one as " + keepAs;
      Optional<SwapDatabaseResult> swap = s.run("database-swap", rename,
          () -> pg(rename).swapDatabase(new SwapDatabaseInput(live, restoreName, keepAs)));
      if (swap.isEmpty()) {
        throw new PartStopped(Outcome.SKIPPED, "swap skipped: restored copy stays as " + restoreName);
      }
      s.details("**database**: recovered from " + backup.backupId());
      return s.finish(new PartResult(RecoveryScope.DATABASE, Outcome.RECOVERED,
          used(backup, rejected), swap.get().previousKeptAs(), details));
    } catch (PartStopped stop) {
      details.add(stop.getMessage());
      return s.finish(new PartResult(RecoveryScope.DATABASE, stop.outcome,
          used == null ? null : used(used, rejected), null, details));
    }
  }

  private void verifyUntilAccepted(ChildSteps s, DatabaseRecoveryInput in, DatabaseTarget live,
      String restoreName, BackupManifest backup, List<String> details) {
    int round = 0;
    while (true) {
      Optional<IntegrityResult> r = s.run("database-integrity",
          "compare row counts with the manifest, Flyway validate, SQL checks",
          () -> pg("verify " + restoreName + ": row counts against backup " + backup.backupId()
              + ", Flyway validate, " + (in.recovery().integrityChecks() == null ? 0
                  : in.recovery().integrityChecks().size()) + " SQL checks").verifyIntegrity(new VerifyIntegrityInput(live.withName(restoreName),
              backup.database() == null ? java.util.Map.of() : backup.database().rowCounts(),
              live.migrations(), in.recovery().integrityChecks())));
      if (r.isEmpty() || r.get().ok()) {
        r.ifPresent(ir -> details.add("integrity verified: " + ir.rowCounts().size() + " tables, "
            + ir.checksRun() + " SQL checks"));
        return;
      }
      round++;
      DecisionRecord d = s.ask("database-integrity-failed-" + round, DecisionKind.STEP_FAILED,
          "restored database " + restoreName + " has integrity problems: "
              + String.join("; ", r.get().problems()));
      if (d.verdict() == Verdict.ABORT) {
        throw new PartStopped(Outcome.ABORTED, "integrity problems, " + d.approver()
            + " chose ABORT: " + String.join("; ", r.get().problems()));
      }
      if (d.verdict() == Verdict.SKIP) {
        details.add("integrity problems accepted by " + d.approver() + ": "
            + String.join("; ", r.get().problems()));
        return;
      }
    }
  }

  private static String migrations(MigrateDatabaseResult mr) {
    return mr.applied().isEmpty()
        ? "no pending migrations (schema version " + mr.versionAfter() + ")"
        : "applied migrations " + mr.applied() + ": " + mr.versionBefore() + " → " + mr.versionAfter();
  }

  static BackupUsed used(BackupManifest m, List<String> rejected) {
    return new BackupUsed(m.kind() == null ? BackupKind.DATABASE : m.kind(), m.backupId(),
        m.startedAt(), m.dataKey(), List.copyOf(rejected));
  }
}
