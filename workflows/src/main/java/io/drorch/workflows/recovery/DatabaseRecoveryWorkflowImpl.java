package io.drorch.workflows.recovery;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.contracts.commands.DatabaseRecoveryInput;
import io.drorch.workflows.contracts.commands.MigrateDatabaseInput;
import io.drorch.workflows.contracts.commands.RestoreDatabaseInput;
import io.drorch.workflows.contracts.commands.SwapDatabaseInput;
import io.drorch.workflows.contracts.commands.VerifyIntegrityInput;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.DecisionKind;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.IntegrityResult;
import io.drorch.workflows.contracts.values.MigrateDatabaseResult;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PartResult;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RestoreDatabaseResult;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.postgres.PostgresRecoveryActivities;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    DrPlan plan;
    try {
      plan = s.plan(in.planSha256());
    } catch (PartStopped stop) {
      return DataRecovery.stopped(s, RecoveryScope.DATABASE, stop);
    }
    return DataRecovery.recover(s, in.candidates(), new Part(in.incidentId(), plan.database(),
        plan.storage(), RecoveryInputs.settings(plan)));
  }

  /** pg_restore into a new database → pending migrations → integrity → rename swap. */
  private static final class Part extends DataRecovery.Part<RestoreDatabaseResult> {
    private final String incidentId;
    private final DatabaseTarget live;
    private final StorageTarget storage;
    private final RecoverySettings recovery;
    /** The restore's base name; each attempt restores into {@code <it>_a<N>}. */
    private final String restoreBase;
    /** The database restored (the attempt that succeeded; the base until then). */
    private String restoreName;
    private final String keepAs;

    Part(String incidentId, DatabaseTarget live, StorageTarget storage, RecoverySettings recovery) {
      super(RecoveryScope.DATABASE, "database", "database",
          "as " + Names.database(live.name(), "_restore_", incidentId));
      this.incidentId = incidentId;
      this.live = live;
      this.storage = storage;
      this.recovery = recovery;
      this.restoreBase = Names.database(live.name(), "_restore_", incidentId);
      this.restoreName = restoreBase;
      this.keepAs = Names.database(live.name(), "_pre_", incidentId);
    }

    @Override
    String restoreDescription(BackupManifest m) {
      return "download, verify and pg_restore " + m.backupId() + " into " + restoreBase + "_a<N>";
    }

    @Override
    RestoreDatabaseResult restore(BackupManifest m) {
      RestoreDatabaseResult r = pg(restoreDescription(m)).restoreFromBackup(
          new RestoreDatabaseInput(incidentId, live, restoreBase, storage, m, recovery.workDir(),
              recovery.restoreJobs(), recovery.restoreRole()));
      if (r.restoreName() != null) {
        restoreName = r.restoreName(); // the attempt that succeeded
        restoredCopy = "as " + restoreName;
      }
      return r;
    }

    @Override
    String restored(BackupManifest m, RestoreDatabaseResult r) {
      return "restored " + m.backupId() + " into " + restoreName + " in "
          + r.restoreMillis() / 1000 + " s";
    }

    @Override
    void prepare(ChildSteps s, BackupManifest backup, List<String> details) {
      if (live.migrations() != null && !live.migrations().isBlank()) {
        String migrate = "apply pending Flyway migrations to " + restoreName;
        s.run("database-migrations", migrate,
                () -> pg(migrate).applyMigrations(
                    new MigrateDatabaseInput(live.withName(restoreName), live.migrations())))
            .ifPresent(mr -> details.add(migrations(mr)));
      }
      verifyUntilAccepted(s, backup, details);
    }

    @Override
    String swapQuestion(BackupManifest backup) {
      return "Put restored database '" + restoreName + "' (backup " + backup.backupId()
          + ", verified) in place as '" + live.name() + "'; the current '" + live.name()
          + "' (if any) is kept as '" + keepAs + "'";
    }

    @Override
    String swapDescription() {
      return "rename " + restoreName + " → " + live.name() + ", keeping the old one as " + keepAs;
    }

    @Override
    String swap() {
      return pg(swapDescription()).swapDatabase(new SwapDatabaseInput(live, restoreName, keepAs,
              copyFingerprint)).previousKeptAs();
    }

    /** Integrity checks until they pass, or a human accepts the problems (SKIP) or aborts. */
    private void verifyUntilAccepted(ChildSteps s, BackupManifest backup, List<String> details) {
      List<String> checks = recovery.integrityChecks() == null
          ? List.of() : recovery.integrityChecks();
      int round = 0;
      while (true) {
        Optional<IntegrityResult> r = s.run("database-integrity",
            "compare row counts with the manifest, Flyway validate, SQL checks",
            () -> pg("verify " + restoreName + ": row counts against backup " + backup.backupId()
                + ", Flyway validate, " + checks.size() + " SQL checks")
                .verifyIntegrity(new VerifyIntegrityInput(live.withName(restoreName),
                    backup.database() == null ? Map.of() : backup.database().rowCounts(),
                    live.migrations(), recovery.integrityChecks(), recovery.restoreJobs(),
                    true))); // closed to connections until the swap
        madeCopy(r.map(IntegrityResult::fingerprint).orElse(null));
        if (r.isEmpty() || r.get().ok()) {
          r.ifPresent(ir -> details.add("integrity verified: " + ir.rowCounts().size()
              + " tables, " + ir.checksRun() + " SQL checks"));
          return;
        }
        round++;
        String problems = String.join("; ", r.get().problems());
        DecisionRecord d = s.ask("database-integrity-failed-" + round, DecisionKind.STEP_FAILED,
            "restored database " + restoreName + " has integrity problems: " + problems);
        if (d.verdict() == Verdict.ABORT) {
          throw new PartStopped(Outcome.ABORTED,
              "integrity problems, " + d.approver() + " chose ABORT: " + problems);
        }
        if (d.verdict() == Verdict.SKIP) {
          details.add("integrity problems accepted by " + d.approver() + ": " + problems);
          return;
        }
      }
    }

    private static String migrations(MigrateDatabaseResult mr) {
      return mr.applied().isEmpty()
          ? "no pending migrations (schema version " + mr.versionAfter() + ")"
          : "applied migrations " + mr.applied() + ": " + mr.versionBefore() + " → "
              + mr.versionAfter();
    }
  }
}
