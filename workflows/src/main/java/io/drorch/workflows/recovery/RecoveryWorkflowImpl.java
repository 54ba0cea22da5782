package io.drorch.workflows.recovery;

import io.drorch.workflows.approval.ApprovalGate;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.backup.BackupLeases;
import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.Timers;
import io.drorch.workflows.common.Versions;
import io.drorch.workflows.contracts.commands.ApplicationRecoveryInput;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.commands.DatabaseRecoveryInput;
import io.drorch.workflows.contracts.commands.DecisionRequest;
import io.drorch.workflows.contracts.commands.EscalateRequest;
import io.drorch.workflows.contracts.commands.FileRecoveryInput;
import io.drorch.workflows.contracts.commands.PostIncidentInput;
import io.drorch.workflows.contracts.commands.RecoveryInput;
import io.drorch.workflows.contracts.commands.WriteReportInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.queries.RecoveryStatus;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupUsed;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PartResult;
import io.drorch.workflows.contracts.values.PhaseRecord;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RefusedDecision;
import io.drorch.workflows.contracts.values.ReportLocation;
import io.drorch.workflows.contracts.values.StepState;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.notify.Notifier;
import io.drorch.workflows.plan.Plans;
import io.drorch.workflows.postincident.PostIncidentWorkflow;
import io.drorch.workflows.report.ReportActivities;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

public class RecoveryWorkflowImpl implements RecoveryWorkflow {
  /** The plan's "Post-Recovery Procedures", carried into every report as a checklist. */
  static final List<String> POST_RECOVERY = List.of(
      "Document the incident", "Analyze root cause", "Implement preventive measures",
      "Update recovery procedures", "Conduct team review");
  /** Signals that need the plan and arrive before it is read: kept up to this many. */
  static final int MAX_BEFORE_PLAN = 100;

  private final RecoveryInput input;
  private final Map<String, String> askedBy = new LinkedHashMap<>();
  private final Map<String, PhaseRecord> timeline = new LinkedHashMap<>();
  private final Set<String> children = new LinkedHashSet<>();
  /** Handler calls that need the plan and arrived before it was read: replayed once it is. */
  private final List<Runnable> beforePlan = new ArrayList<>();
  private final Instant startedAt;
  private final Instant incidentAt;
  private LoadedPlan loaded;
  private DrPlan plan;
  private Notifier notifier;
  private ApprovalGate gate;
  private Instant deadline;
  private String phase = "starting";
  private boolean done;
  private Outcome outcome;

  @WorkflowInit
  public RecoveryWorkflowImpl(RecoveryInput input) {
    RecoveryInputs.validate(input);
    this.input = input;
    this.startedAt = now();
    this.incidentAt = input.incidentAt() == null ? startedAt : input.incidentAt();
  }

  @Override
  public RecoveryReport recover(RecoveryInput in) {
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_RECOVERY);
    SearchAttributes.upsert(SearchAttributes.DR_INCIDENT, in.incidentId());
    SearchAttributes.upsert(SearchAttributes.DR_AWAITING_LEVEL, 0L);
    setPhase(phase);

    begin("load-plan", "the worker's plan: approvers, keys, commands, paths, hosts");
    loaded = Plans.load();
    plan = loaded.plan();
    end("load-plan", StepState.DONE, loaded.source() + " (sha256 " + loaded.sha256() + ")");
    RecoveryInputs.validate(plan, in.scope());
    RecoverySettings settings = RecoveryInputs.settings(plan);
    notifier = new Notifier(in.incidentId(), plan.notifications(), plan.escalation());
    gate = new ApprovalGate(in.incidentId(), in.requestedBy(), plan.escalation(),
        plan.approvals(), settings.abortWhenUnanswered(), settings.reminderInterval(), notifier,
        this::deliver).onChange(this::refreshDetails);
    deadline = incidentAt.plus(RecoveryInputs.rto(plan, in.tier()));
    beforePlan.forEach(Runnable::run);
    beforePlan.clear();

    notifier.send("incident-opened", 0, "Incident " + in.incidentId() + ": recovery of "
        + in.scope() + " started by " + in.requestedBy() + " (" + in.tier() + ", RTO "
        + RecoveryInputs.rto(plan, in.tier()).toHours() + " h, deadline " + deadline
        + "; plan sha256 " + loaded.sha256() + ")");
    Async.procedure(this::watchRto);
    Async.procedure(this::reportProgress);

    begin("select-backups", "newest valid backups" + (in.asOf() == null ? "" : " at or before " + in.asOf()));
    BackupCatalog catalog = ActivityStubs.quick(StorageActivities.class, "list the backups in "
            + BackupKeys.url(plan.storage(), BackupKeys.root(plan.storage())))
        .listBackups(plan.storage());
    Map<BackupKind, List<BackupManifest>> candidates =
        !Versions.has(Versions.PREFER_VERIFIED)
            ? candidates(catalog, in.asOf())
            : preferVerified(catalog, in.asOf(), plan.objectives());
    end("select-backups", StepState.DONE, candidates.entrySet().stream()
        .map(e -> e.getKey().folder() + ": " + (e.getValue().isEmpty() ? "none"
            : e.getValue().get(0).backupId()))
        .toList().toString());
    // Lease the candidates: no retention sweep deletes them while this recovery runs (issue 8).
    BackupLeases.hold(plan.storage(), "recovery of " + in.scope() + " for incident "
        + in.incidentId(), candidates.values());

    begin("recover-data", "database and files in parallel");
    Map<RecoveryScope, Promise<PartResult>> data = new LinkedHashMap<>();
    if (in.scope().contains(RecoveryScope.DATABASE)) {
      DatabaseRecoveryWorkflow child = Workflow.newChildWorkflowStub(DatabaseRecoveryWorkflow.class,
          childOptions("database", "Database recovery of " + plan.database().name()));
      data.put(RecoveryScope.DATABASE, Async.function(child::recover, new DatabaseRecoveryInput(
          in.incidentId(), loaded.sha256(), candidates.get(BackupKind.DATABASE))));
    }
    if (in.scope().contains(RecoveryScope.FILES)) {
      FileRecoveryWorkflow child = Workflow.newChildWorkflowStub(FileRecoveryWorkflow.class,
          childOptions("files", "File recovery of " + plan.files().uploadsDir()));
      data.put(RecoveryScope.FILES, Async.function(child::recover, new FileRecoveryInput(
          in.incidentId(), loaded.sha256(), candidates.get(BackupKind.FILES))));
    }
    List<PartResult> parts = new ArrayList<>();
    data.forEach((part, promise) -> parts.add(result(promise, part)));
    end("recover-data", state(parts), summary(parts));

    if (in.scope().contains(RecoveryScope.APPLICATION)) {
      boolean dataOk = parts.stream().allMatch(p -> p.outcome() == Outcome.RECOVERED);
      if (!dataOk) {
        parts.add(new PartResult(RecoveryScope.APPLICATION, Outcome.SKIPPED, null, null,
            List.of("not started: the data was not fully recovered")));
      } else {
        begin("recover-application", "deploy, environment, health, monitor");
        ApplicationRecoveryWorkflow child = Workflow.newChildWorkflowStub(
            ApplicationRecoveryWorkflow.class, childOptions("application", "Application recovery"));
        PartResult app = result(Async.function(child::recover,
            new ApplicationRecoveryInput(in.incidentId(), loaded.sha256())),
            RecoveryScope.APPLICATION);
        parts.add(app);
        end("recover-application", state(List.of(app)), summary(List.of(app)));
      }
    }

    outcome = overall(parts);
    done = true;
    gate.close();
    setPhase("finished: " + outcome);
    notifier.awaitDelivered();
    RecoveryReport report = report(parts, null, null);
    try {
      ReportLocation at = ActivityStubs.quick(ReportActivities.class,
              "write the incident report of " + in.incidentId() + " to " + BackupKeys.url(
                  plan.storage(), BackupKeys.root(plan.storage()) + "reports/" + in.incidentId() + "/"))
          .writeReport(new WriteReportInput(plan.storage(), report));
      report = report(parts, at.markdownKey(), at.jsonKey());
    } catch (ActivityFailure e) {
      Workflow.getLogger(RecoveryWorkflowImpl.class)
          .error("the report could not be stored: {}", Failures.reason(e));
    }
    notifier.send(outcome == Outcome.RECOVERED ? "recovered" : outcome.name().toLowerCase(Locale.ROOT), 0,
        "Incident " + in.incidentId() + ": " + outcome + " in "
            + report.rtoAchieved().toMinutes() + " min (RTO " + report.rtoObjective().toHours()
            + " h). " + summary(parts)
            + (report.markdownKey() == null ? "" : " Report: " + report.markdownKey()));
    refreshDetails();
    notifier.awaitDelivered();
    // The recovery no longer needs its backups: end the lease taken after select-backups.
    BackupLeases.release(plan.storage());
    if (Versions.has(Versions.POST_INCIDENT)) {
      openPostIncident(report);
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    return report(parts, report.markdownKey(), report.jsonKey());
  }

  // ---- backups -------------------------------------------------------------------------------

  static Map<BackupKind, List<BackupManifest>> candidates(BackupCatalog catalog, Instant asOf) {
    Map<BackupKind, List<BackupManifest>> out = new LinkedHashMap<>();
    for (BackupKind k : BackupKind.values()) {
      out.put(k, catalog.backups().stream()
          .filter(StoredBackup::valid)
          .map(StoredBackup::manifest)
          .filter(m -> m.kind() == k)
          .filter(m -> asOf == null || !m.startedAt().isAfter(asOf))
          .sorted(Comparator.comparing(BackupManifest::startedAt).reversed())
          .toList());
    }
    return out;
  }

  /**
   * The candidates of {@link #candidates}, reordered to prefer backups proven restorable: the
   * newest VERIFIED_BY_RESTORE backup goes first when it is no older than the kind's RPO objective
   * before the newest candidate (a verified backup is worth that much data, not more); backups
   * marked FAILED_RESTORE go last. The rest keep their order (newest first), so the fallback on a
   * corrupt candidate still walks back in time.
   */
  static Map<BackupKind, List<BackupManifest>> preferVerified(BackupCatalog catalog, Instant asOf,
      io.drorch.workflows.contracts.plan.Objectives objectives) {
    Map<String, StoredBackup> byId = new LinkedHashMap<>();
    catalog.backups().forEach(b -> byId.put(b.manifest().backupId(), b));
    Map<BackupKind, List<BackupManifest>> out = new LinkedHashMap<>();
    candidates(catalog, asOf).forEach((kind, list) -> {
      List<BackupManifest> good = new ArrayList<>();
      List<BackupManifest> failed = new ArrayList<>();
      for (BackupManifest m : list) {
        StoredBackup b = byId.get(m.backupId());
        boolean failedRestore = b != null && b.verification() != null
            && b.verification().outcome() == io.drorch.workflows.contracts.values
                .RestoreTestOutcome.FAILED_RESTORE;
        (failedRestore ? failed : good).add(m);
      }
      Duration rpo = objectives == null ? null
          : kind == BackupKind.DATABASE ? objectives.rpoDatabase() : objectives.rpoFiles();
      if (!good.isEmpty() && rpo != null) {
        Instant newest = good.get(0).startedAt();
        for (BackupManifest m : good) {
          if (Duration.between(m.startedAt(), newest).compareTo(rpo) > 0) {
            break;
          }
          StoredBackup b = byId.get(m.backupId());
          if (b != null && b.verifiedByRestore()) {
            good.remove(m);
            good.add(0, m);
            break;
          }
        }
      }
      List<BackupManifest> ordered = new ArrayList<>(good);
      ordered.addAll(failed);
      out.put(kind, List.copyOf(ordered));
    });
    return out;
  }

  /**
   * Opens the post-mortem ({@code postincident-<INC>}), abandoned: it outlives the recovery by
   * days. One per incident: when it already runs (a second recovery of the incident), it stays.
   */
  private void openPostIncident(RecoveryReport report) {
    PostIncidentWorkflow child = Workflow.newChildWorkflowStub(PostIncidentWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(PostIncidentWorkflow.ID_PREFIX + input.incidentId())
            .setParentClosePolicy(io.temporal.api.enums.v1.ParentClosePolicy
                .PARENT_CLOSE_POLICY_ABANDON)
            .setStaticSummary("Post-mortem of incident " + input.incidentId())
            .build());
    Async.function(child::run, new PostIncidentInput(input.incidentId(), now(),
        report.jsonKey()));
    try {
      Workflow.getWorkflowExecution(child).get();
    } catch (io.temporal.failure.TemporalFailure e) {
      Workflow.getLogger(RecoveryWorkflowImpl.class).warn("the post-mortem of {} was not"
          + " opened: {}", input.incidentId(), Failures.reason(e));
    }
  }

  // ---- children ------------------------------------------------------------------------------

  private ChildWorkflowOptions childOptions(String part, String summary) {
    String id = Names.workflowId(input.incidentId()) + "-" + part;
    children.add(id);
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setStaticSummary(summary + " (incident " + input.incidentId() + ")")
        .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
            .set(SearchAttributes.DR_KIND, SearchAttributes.KIND_RECOVERY)
            .set(SearchAttributes.DR_INCIDENT, input.incidentId())
            .set(SearchAttributes.DR_PHASE, "starting")
            .build())
        .build();
  }

  private PartResult result(Promise<PartResult> promise, RecoveryScope part) {
    try {
      return promise.get();
    } catch (ChildWorkflowFailure e) {
      String why = Failures.reason(e);
      return new PartResult(part, Outcome.FAILED, null, null, List.of("child failed: " + why));
    }
  }

  /**
   * Rings the doorbell of the child that asked: the signal carries only the step's name; the
   * child asks the gate itself (an activity that queries this workflow) what was decided.
   */
  private void deliver(DecisionRecord decision) {
    String child = askedBy.get(decision.step());
    if (child != null) {
      Workflow.newUntypedExternalWorkflowStub(child).signal(ChildRecovery.DOORBELL, decision.step());
    }
    refreshDetails();
  }

  // ---- handlers ------------------------------------------------------------------------------

  @Override
  public void validateDecide(ApprovalDecision decision) {
    String problem = gate == null
        ? "the recovery is still reading the worker's plan: nothing is waiting for a decision yet"
        : gate.validate(decision);
    if (problem != null) {
      throw io.drorch.workflows.common.DrError.BAD_INPUT.failure(problem);
    }
  }

  @Override
  public DecisionRecord decide(ApprovalDecision decision) {
    return gate.decide(decision);
  }

  @Override
  public void decisionSignal(ApprovalDecision decision) {
    whenPlanRead(() -> gate.signal(decision));
  }

  @Override
  public void escalate(EscalateRequest request) {
    whenPlanRead(() -> {
      gate.escalateAll("escalated by hand by " + request.by()
          + (request.reason() == null ? "" : ": " + request.reason()), false);
      refreshDetails();
    });
  }

  @Override
  public void requestDecision(DecisionRequest request) {
    whenPlanRead(() -> {
      if (!children.contains(request.fromWorkflowId())) {
        gate.refusedElsewhere(new RefusedDecision(null, request.step(), null,
            "a decision request from " + request.fromWorkflowId() + ", which is not a part of"
                + " this recovery", now(), "request"));
        return;
      }
      askedBy.putIfAbsent(request.step(), request.fromWorkflowId());
      gate.open(request);
      refreshDetails();
    });
  }

  @Override
  public void childRefused(RefusedDecision refused) {
    whenPlanRead(() -> gate.refusedElsewhere(refused));
  }

  @Override
  public void stepUpdate(PhaseRecord step) {
    PhaseRecord before = timeline.get(step.name());
    Instant start = before != null && before.state() == StepState.RUNNING && step.startedAt() == null
        ? before.startedAt() : step.startedAt();
    timeline.put(step.name(), new PhaseRecord(step.name(), step.state(), start, step.finishedAt(),
        step.detail()));
    if (step.state() == StepState.RUNNING) {
      setPhase(step.name());
    }
    refreshDetails();
  }

  @Override
  public RecoveryStatus status() {
    return new RecoveryStatus(input.incidentId(), phase, List.copyOf(timeline.values()),
        gate == null ? List.of() : gate.pending(), gate == null ? List.of() : gate.decisions(),
        startedAt, deadline, deadline == null ? 0 : Duration.between(now(), deadline).toSeconds(),
        outcome, Workflow.getInfo().getWorkflowId(), ApprovalGate.decisionRun(),
        loaded == null ? null : loaded.sha256(), input.requestedBy(),
        gate == null ? List.of() : gate.refused());
  }

  /** Runs now when the plan is read, else right after (the order of arrival is kept). */
  private void whenPlanRead(Runnable r) {
    if (gate == null) {
      if (beforePlan.size() < MAX_BEFORE_PLAN) {
        beforePlan.add(r);
      }
    } else {
      r.run();
    }
  }

  // ---- RTO and progress ----------------------------------------------------------------------

  private void watchRto() {
    Duration rto = RecoveryInputs.rto(plan, input.tier());
    for (int pct : new int[] {50, 80, 100}) {
      Instant at = incidentAt.plus(rto.multipliedBy(pct).dividedBy(100));
      Duration wait = Duration.between(now(), at);
      if (done || (wait.compareTo(Duration.ZERO) > 0 && Timers.await(wait,
          pct + " % of the RTO (" + Timers.human(rto) + ") at " + at
              + (pct < 100 ? ": escalate pending decisions" : ": RTO breached"),
          () -> done))) {
        return;
      }
      if (pct < 100) {
        notifier.send("rto-" + pct, 0, "Incident " + input.incidentId() + ": " + pct
            + "% of the RTO used, " + Duration.between(now(), deadline).toMinutes()
            + " min left; phase " + phase + ". Escalating pending decisions one level.");
        gate.escalateAll(pct + "% of the RTO is used", true);
      } else {
        notifier.send("rto-breached", 0, "Incident " + input.incidentId() + ": the RTO of "
            + rto.toHours() + " h is breached; phase " + phase + ".");
      }
      refreshDetails();
    }
  }

  private void reportProgress() {
    Duration every = plan.notifications() == null || plan.notifications().progressInterval() == null
        ? PlanDefaults.PROGRESS_INTERVAL : plan.notifications().progressInterval();
    boolean quiet = Versions.has(Versions.QUIET_WAITS);
    while (true) {
      // Quiet waits: while a decision is pending, progress once a day (the gate reminds); a
      // decision opening or closing starts the wait again. Runs from before: every interval.
      boolean waiting = quiet && gate.hasPending();
      Duration wait = waiting ? PlanDefaults.QUIET_INTERVAL : every;
      boolean unblocked = Timers.await(wait, waiting
              ? "next progress notification (every " + Timers.human(wait) + " while a decision is"
                  + " pending)"
              : "next progress notification (every " + Timers.human(every) + ")",
          () -> done || (quiet && gate.hasPending() != waiting));
      if (unblocked) {
        if (done) {
          return;
        }
        continue; // (only with quiet waits)
      }
      List<PendingDecision> pending = gate.pending();
      notifier.send("progress", 0, "Incident " + input.incidentId() + ": phase " + phase + ", "
          + Duration.between(now(), deadline).toMinutes() + " min left to the RTO"
          + (pending.isEmpty() ? "" : "; waiting for " + pending.stream()
              .map(p -> p.step() + " at " + p.levelName()).toList()));
    }
  }

  // ---- report --------------------------------------------------------------------------------

  private RecoveryReport report(List<PartResult> parts, String mdKey, String jsonKey) {
    Instant finished = now();
    Map<String, Duration> rpoObjective = new LinkedHashMap<>();
    Map<String, Duration> rpoAchieved = new LinkedHashMap<>();
    List<BackupUsed> used = new ArrayList<>();
    for (PartResult p : parts) {
      if (p.backup() != null) {
        used.add(p.backup());
        String kind = p.backup().kind().folder();
        rpoAchieved.put(kind, Duration.between(p.backup().takenAt(), incidentAt));
      }
    }
    var objectives = plan.objectives();
    if (objectives != null) {
      rpoObjective.put("database", objectives.rpoDatabase());
      rpoObjective.put("files", objectives.rpoFiles());
    }
    String detail = summary(parts);
    return new RecoveryReport(input.incidentId(), plan.application(), input.scope(),
        input.tier(), input.requestedBy(), incidentAt, startedAt, finished, outcome, detail,
        RecoveryInputs.rto(plan, input.tier()), Duration.between(incidentAt, finished),
        rpoObjective, rpoAchieved, List.copyOf(timeline.values()), used, gate.decisions(),
        notifier.sent(), POST_RECOVERY, mdKey, jsonKey, loaded.sha256(), gate.refused());
  }

  static Outcome overall(List<PartResult> parts) {
    for (Outcome o : new Outcome[] {Outcome.ABORTED, Outcome.FAILED, Outcome.SKIPPED}) {
      if (parts.stream().anyMatch(p -> p.outcome() == o)) {
        return o;
      }
    }
    return Outcome.RECOVERED;
  }

  private static StepState state(List<PartResult> parts) {
    return StepState.of(overall(parts));
  }

  private static String summary(List<PartResult> parts) {
    List<String> out = new ArrayList<>();
    for (PartResult p : parts) {
      out.add(p.part().name().toLowerCase(Locale.ROOT) + " " + p.outcome()
          + (p.details().isEmpty() ? "" : " (" + String.join("; ", p.details()) + ")"));
    }
    return String.join("; ", out);
  }

  private void begin(String name, String detail) {
    setPhase(name);
    timeline.put(name, new PhaseRecord(name, StepState.RUNNING, now(), null, detail));
    refreshDetails();
  }

  private void end(String name, StepState state, String detail) {
    PhaseRecord r = timeline.get(name);
    timeline.put(name, new PhaseRecord(name, state, r.startedAt(), now(), detail));
    refreshDetails();
  }

  private void refreshDetails() {
    StringBuilder md = new StringBuilder();
    md.append("## Incident ").append(input.incidentId()).append(": ").append(phase).append("\n\n");
    md.append("Scope ").append(input.scope()).append(", tier ").append(input.tier());
    if (deadline != null) {
      md.append(", RTO deadline ").append(deadline).append(" (")
          .append(Duration.between(now(), deadline).toMinutes()).append(" min left)");
    }
    md.append("\n\n");
    if (loaded != null) {
      md.append("Plan `").append(loaded.source()).append("` sha256 `")
          .append(Plans.shortHash(loaded.sha256())).append("…`\n\n");
    }
    for (PendingDecision p : gate == null ? List.<PendingDecision>of() : gate.pending()) {
      md.append("- **waiting for ").append(p.levelName()).append("** (")
          .append(String.join(", ", p.approvers())).append(")");
      if (p.approvalsNeeded() > 1) {
        md.append(" ").append(p.approvedBy().size()).append(" of ").append(p.approvalsNeeded())
            .append(p.approvedBy().isEmpty() ? "" : ": " + String.join(", ", p.approvedBy()));
      }
      md.append(": `").append(p.step()).append("` ").append(p.description()).append("\n");
    }
    int refusedCount = gate == null ? 0 : gate.refused().size();
    if (refusedCount > 0) {
      md.append("- refused decisions: ").append(refusedCount).append(" (see `dr status`)\n");
    }
    for (PhaseRecord r : timeline.values()) {
      md.append("- ").append(r.name()).append(": ").append(r.state()).append("\n");
    }
    Workflow.setCurrentDetails(md.toString());
  }

  /** The phase of the status query and of the DrPhase search attribute. */
  private void setPhase(String name) {
    phase = name;
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, name);
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
