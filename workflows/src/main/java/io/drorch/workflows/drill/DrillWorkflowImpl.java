package io.drorch.workflows.drill;

import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.backup.BackupLeases;
import io.drorch.workflows.backup.RestoreTests;
import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.common.Inputs;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.Timers;
import io.drorch.workflows.contracts.commands.DrillCleanupInput;
import io.drorch.workflows.contracts.commands.DrillInput;
import io.drorch.workflows.contracts.commands.MigrateDatabaseInput;
import io.drorch.workflows.contracts.commands.VerifyIntegrityInput;
import io.drorch.workflows.contracts.commands.WriteDrillReportInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.DrillSettings;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.queries.DrillPhase;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.DrillPart;
import io.drorch.workflows.contracts.values.DrillReport;
import io.drorch.workflows.contracts.values.IntegrityResult;
import io.drorch.workflows.contracts.values.MigrateDatabaseResult;
import io.drorch.workflows.contracts.values.ReportLocation;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.notify.Notifier;
import io.drorch.workflows.plan.Plans;
import io.drorch.workflows.postgres.PostgresRecoveryActivities;
import io.drorch.workflows.report.ReportActivities;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

public class DrillWorkflowImpl implements DrillWorkflow {
  private String phase = "starting";

  @Override
  public DrillReport drill(DrillInput in) {
    Instant startedAt = now();
    String drillId = Drills.idOf(Workflow.getInfo().getWorkflowId());
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_DRILL);
    SearchAttributes.upsert(SearchAttributes.DR_INCIDENT, drillId);
    setPhase("load-plan");
    LoadedPlan loaded = Plans.load();
    DrPlan plan = loaded.plan();
    DrillSettings settings = PlanDefaults.drills(plan.drills());
    List<String> scope = scope(in, settings);
    Inputs.check("drill")
        .require(Drills.isDrillId(drillId), "the workflow id '" + drillId + "' is not a drill id"
            + " (drill-<letters, digits, . _ -> up to 50)")
        .require(plan.storage() != null, "the plan has no storage section")
        .require(!scope.contains("database") || plan.database() != null,
            "scope has database but the plan has no database section")
        .require(!scope.contains("files") || plan.files() != null,
            "scope has files but the plan has no files section")
        .orFail();
    Notifier notifier = new Notifier(drillId, plan.notifications(), plan.escalation());
    Duration rtoObjective = plan.objectives() == null || plan.objectives().rtoCritical() == null
        ? PlanDefaults.RTO_CRITICAL : plan.objectives().rtoCritical();

    setPhase("select-backups");
    BackupCatalog catalog = ActivityStubs.quick(StorageActivities.class, "list the backups in "
            + BackupKeys.url(plan.storage(), BackupKeys.root(plan.storage())))
        .listBackups(plan.storage());
    Map<BackupKind, BackupManifest> chosen = new LinkedHashMap<>();
    for (String s : scope) {
      BackupKind kind = kind(s);
      newest(catalog, kind).ifPresent(m -> chosen.put(kind, m));
    }
    BackupLeases.hold(plan.storage(), "DR drill " + drillId,
        chosen.values().stream().map(List::of).toList());

    setPhase("restore");
    Map<BackupKind, Promise<DrillPart>> running = new LinkedHashMap<>();
    for (String s : scope) {
      BackupKind kind = kind(s);
      BackupManifest m = chosen.get(kind);
      running.put(kind, Async.function(() -> part(plan, drillId, kind, m, startedAt)));
    }
    List<DrillPart> parts = new ArrayList<>();
    running.values().forEach(p -> parts.add(p.get()));
    Duration rtoAchieved = parts.stream().map(DrillPart::restoredAndVerifiedIn)
        .filter(d -> d != null).max(Comparator.naturalOrder())
        .orElse(Duration.between(startedAt, now()));

    List<String> problems = new ArrayList<>();
    for (DrillPart p : parts) {
      p.problems().forEach(pr -> problems.add(p.kind().folder() + ": " + pr));
    }
    if (rtoAchieved.compareTo(rtoObjective) > 0) {
      problems.add("RTO missed: restored and verified in " + Timers.human(rtoAchieved)
          + ", the objective is " + Timers.human(rtoObjective));
    }
    boolean passed = problems.isEmpty();
    Map<String, Duration> rpoObjective = new LinkedHashMap<>();
    Map<String, Duration> rpoAchieved = new LinkedHashMap<>();
    for (DrillPart p : parts) {
      String k = p.kind().folder();
      Duration objective = plan.objectives() == null ? null
          : p.kind() == BackupKind.DATABASE ? plan.objectives().rpoDatabase()
          : plan.objectives().rpoFiles();
      if (objective != null) {
        rpoObjective.put(k, objective);
      }
      if (p.rpoAchieved() != null) {
        rpoAchieved.put(k, p.rpoAchieved());
      }
    }

    setPhase("cleanup");
    Instant keptUntil = null;
    if (passed) {
      for (DrillPart p : parts) {
        if (p.scratch() != null) {
          try {
            RestoreTests.cleanup(plan, Drills.testId(drillId, p.kind().folder()), p.kind(),
                p.scratch());
          } catch (ActivityFailure e) {
            problems.add("scratch " + p.scratch() + " could not be removed: " + Failures.reason(e)
                + " (remove it with dr drill cleanup " + drillId + ")");
          }
        }
      }
    } else {
      keptUntil = now().plus(settings.keepFailedFor());
      scheduleCleanup(drillId, parts, keptUntil);
    }

    setPhase("report");
    String verdict = passed ? "PASSED" : "FAILED";
    String summary = "DR drill " + drillId + " " + verdict + ": RTO " + Timers.human(rtoAchieved)
        + " (objective " + Timers.human(rtoObjective) + "), RPO " + rpoText(rpoAchieved,
            rpoObjective) + (passed ? "" : ". Problems: " + String.join("; ", problems)
            + ". Scratch targets kept until " + keptUntil + " for inspection");
    if (passed) {
      notifier.send("drill-passed", 0, summary);
    } else {
      // Loud: level 1 (whose job it is) and, at once, level 2: no one has to approve anything,
      // but a backup that does not restore is an incident waiting to happen.
      notifier.send("drill-failed", 1, summary);
      notifier.send("drill-failed-escalated", 2, summary);
    }
    notifier.awaitDelivered();
    DrillReport report = new DrillReport(drillId, plan.application(), scope,
        in == null ? null : in.requestedBy(), startedAt, now(), passed, rtoObjective, rtoAchieved,
        rpoObjective, rpoAchieved, parts, problems, notifier.sent(), keptUntil, null, null,
        loaded.sha256());
    try {
      ReportLocation at = ActivityStubs.quick(ReportActivities.class, "write the drill report to "
              + BackupKeys.url(plan.storage(), BackupKeys.drillsFolder(plan.storage()) + drillId
                  + "/"))
          .writeDrillReport(new WriteDrillReportInput(plan.storage(), report));
      report = report.withKeys(at.markdownKey(), at.jsonKey());
    } catch (ActivityFailure e) {
      Workflow.getLogger(DrillWorkflowImpl.class).error("the drill report could not be stored: {}",
          Failures.reason(e));
    }
    BackupLeases.release(plan.storage());
    setPhase("finished: " + verdict);
    Workflow.setCurrentDetails("## " + summary + "\n\nReport: "
        + (report.markdownKey() == null ? "not stored" : "`" + report.markdownKey() + "`"));
    if (!passed) {
      throw ApplicationFailure.newNonRetryableFailure(summary, DrError.DRILL_FAILED.name(),
          report);
    }
    return report;
  }

  /** Restore → compare with the manifest → (database) migrations and integrity checks. */
  private DrillPart part(DrPlan plan, String drillId, BackupKind kind, BackupManifest m,
      Instant startedAt) {
    if (m == null) {
      return new DrillPart(kind, null, null, null, false, null, null, List.of(),
          List.of("no valid " + kind.folder() + " backup to restore"));
    }
    Duration rpo = Duration.between(m.startedAt(), startedAt);
    String scratch;
    try {
      scratch = RestoreTests.scratch(plan, kind, Drills.scratchId(drillId));
    } catch (ApplicationFailure refused) {
      return new DrillPart(kind, m.backupId(), m.startedAt(), null, false, null, rpo, List.of(),
          List.of(refused.getOriginalMessage()));
    }
    String testId = Drills.testId(drillId, kind.folder());
    List<String> details = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    RestoreVerdict v = RestoreTests.run(plan, testId, m, scratch);
    details.add(v.compared());
    RestoreTests.mark(plan, v);
    if (!v.verified()) {
      problems.add("backup " + m.backupId() + " FAILED_RESTORE: " + v.reason());
      v.problems().stream().limit(5).forEach(problems::add);
    } else if (kind == BackupKind.DATABASE) {
      prepareDatabase(plan, scratch, m, details, problems);
    }
    Duration took = problems.isEmpty() ? Duration.between(startedAt, now()) : null;
    return new DrillPart(kind, m.backupId(), m.startedAt(), scratch, problems.isEmpty(), took, rpo,
        details, problems);
  }

  /** The same migrations and integrity checks a recovery runs, on the scratch copy. */
  private static void prepareDatabase(DrPlan plan, String scratch, BackupManifest m,
      List<String> details, List<String> problems) {
    RecoverySettings settings = PlanDefaults.recovery(plan.recovery());
    var live = plan.database();
    try {
      if (live.migrations() != null && !live.migrations().isBlank()) {
        MigrateDatabaseResult mr = ActivityStubs.longRunning(PostgresRecoveryActivities.class,
                "apply pending Flyway migrations to scratch " + scratch)
            .applyMigrations(new MigrateDatabaseInput(live.withName(scratch), live.migrations()));
        details.add(mr.applied().isEmpty()
            ? "no pending migrations (schema version " + mr.versionAfter() + ")"
            : "applied migrations " + mr.applied() + ": " + mr.versionBefore() + " → "
                + mr.versionAfter());
      }
      IntegrityResult ir = ActivityStubs.longRunning(PostgresRecoveryActivities.class,
              "verify scratch " + scratch + ": row counts, Flyway validate, "
                  + settings.integrityChecks().size() + " SQL checks")
          .verifyIntegrity(new VerifyIntegrityInput(live.withName(scratch),
              m.database() == null ? Map.of() : m.database().rowCounts(), live.migrations(),
              settings.integrityChecks(), settings.restoreJobs()));
      if (ir.ok()) {
        details.add("integrity verified: " + ir.rowCounts().size() + " tables, " + ir.checksRun()
            + " SQL checks");
      } else {
        problems.addAll(ir.problems());
      }
    } catch (ActivityFailure e) {
      problems.add("migrations or integrity checks failed: " + Failures.reason(e));
    }
  }

  /** The cleanup workflow, abandoned: it outlives this drill and removes scratch at the deadline. */
  private static void scheduleCleanup(String drillId, List<DrillPart> parts, Instant keepUntil) {
    List<BackupKind> kinds = parts.stream().filter(p -> p.scratch() != null)
        .map(DrillPart::kind).toList();
    if (kinds.isEmpty()) {
      return;
    }
    DrillCleanupWorkflow child = Workflow.newChildWorkflowStub(DrillCleanupWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(Drills.cleanupId(drillId))
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .setStaticSummary("Remove the scratch targets of " + drillId + " at " + keepUntil)
            .build());
    Async.function(child::cleanup, new DrillCleanupInput(drillId, kinds, keepUntil));
    Workflow.getWorkflowExecution(child).get();
  }

  static Optional<BackupManifest> newest(BackupCatalog catalog, BackupKind kind) {
    return catalog.backups().stream()
        .filter(StoredBackup::valid)
        .map(StoredBackup::manifest)
        .filter(m -> m.kind() == kind)
        .max(Comparator.comparing(BackupManifest::startedAt));
  }

  static List<String> scope(DrillInput in, DrillSettings settings) {
    List<String> given = in == null || in.scope() == null || in.scope().isEmpty()
        ? settings.scope() : in.scope();
    List<String> out = new ArrayList<>();
    for (String s : given) {
      String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
      Inputs.check("drill scope")
          .require(k.equals("database") || k.equals("files"),
              "'" + s + "' is not something a drill restores: give database and/or files")
          .orFail();
      if (!out.contains(k)) {
        out.add(k);
      }
    }
    return out;
  }

  private static BackupKind kind(String scope) {
    return scope.equals("database") ? BackupKind.DATABASE : BackupKind.FILES;
  }

  private static String rpoText(Map<String, Duration> achieved, Map<String, Duration> objective) {
    List<String> out = new ArrayList<>();
    achieved.forEach((k, d) -> out.add(k + " " + Timers.human(d)
        + (objective.get(k) == null ? "" : " (objective " + Timers.human(objective.get(k)) + ")")));
    return out.isEmpty() ? "-" : String.join(", ", out);
  }

  private void setPhase(String p) {
    phase = p;
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, p);
  }

  @Override
  public DrillPhase phase() {
    return new DrillPhase(phase);
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
