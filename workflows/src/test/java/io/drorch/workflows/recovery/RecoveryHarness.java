package io.drorch.workflows.recovery;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.drorch.workflows.app.ApplicationActivities;
import io.drorch.workflows.approval.DecisionText;
import io.drorch.workflows.approval.TestKey;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.UiMetadata;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.commands.ConfirmDecisionInput;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.commands.RecoveryInput;
import io.drorch.workflows.contracts.commands.RestoreDatabaseInput;
import io.drorch.workflows.contracts.commands.RestoreFilesInput;
import io.drorch.workflows.contracts.plan.AllowedSigner;
import io.drorch.workflows.contracts.plan.ApprovalSettings;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.plan.Objectives;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.plan.SignatureMode;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.queries.RecoveryStatus;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.DatabaseBackupDetails;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.FileBackupDetails;
import io.drorch.workflows.contracts.values.IntegrityResult;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.ReportLocation;
import io.drorch.workflows.contracts.values.RestoreDatabaseResult;
import io.drorch.workflows.contracts.values.RestoreFilesResult;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.SwapDatabaseResult;
import io.drorch.workflows.contracts.values.SwapDirectoryResult;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.decisions.DecisionActivities;
import io.drorch.workflows.files.FileRecoveryActivities;
import io.drorch.workflows.notify.NotificationActivities;
import io.drorch.workflows.plan.PlanActivities;
import io.drorch.workflows.postgres.PostgresRecoveryActivities;
import io.drorch.workflows.report.ReportActivities;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Mocked activities, the worker's plan (with an Ed25519 key per approver), signed decisions and
 * a started recovery for the time-skipping workflow tests.
 */
final class RecoveryHarness {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final StorageTarget STORAGE =
      new StorageTarget("dr-backups", "ai-docs", "us-east-1", null, false, 30, true, 30);
  static final String DB_COPY = "db-copy-fingerprint";
  static final String FILES_COPY = "files-copy-fingerprint";
  static final String PLAN_SHA = "5ca1ab1e0123456789";
  /** One key per approver of the plan (made once: key generation is the slow part). */
  static final Map<String, TestKey> KEYS = Map.of("alice", new TestKey(), "bob", new TestKey(),
      "dana", new TestKey(), "carol", new TestKey(), "erin", new TestKey());

  static TestWorkflowExtension extension() {
    return UiMetadata.withSearchAttributes(TestWorkflowExtension.newBuilder())
        .setWorkflowTypes(RecoveryWorkflowImpl.class, DatabaseRecoveryWorkflowImpl.class,
            FileRecoveryWorkflowImpl.class, ApplicationRecoveryWorkflowImpl.class)
        .setInitialTime(T0)
        .setDoNotStart(true)
        .build();
  }

  final StorageActivities storage = mock(StorageActivities.class, withSettings().withoutAnnotations());
  final PostgresRecoveryActivities pg =
      mock(PostgresRecoveryActivities.class, withSettings().withoutAnnotations());
  final FileRecoveryActivities files =
      mock(FileRecoveryActivities.class, withSettings().withoutAnnotations());
  final ApplicationActivities app =
      mock(ApplicationActivities.class, withSettings().withoutAnnotations());
  final NotificationActivities notify =
      mock(NotificationActivities.class, withSettings().withoutAnnotations());
  final ReportActivities report = mock(ReportActivities.class, withSettings().withoutAnnotations());
  final PlanActivities plans = mock(PlanActivities.class, withSettings().withoutAnnotations());
  final List<Notification> sent = new CopyOnWriteArrayList<>();
  final TestWorkflowEnvironment env;
  final Worker worker;
  RecoveryWorkflow recovery;
  /** The worker's plan; tests may change it before {@link #start}. */
  DrPlan plan;
  String requestedBy = "tester";

  RecoveryHarness(TestWorkflowEnvironment env, Worker worker) {
    this.env = env;
    this.worker = worker;
    doAnswer(i -> {
      sent.add(i.getArgument(0));
      return null;
    }).when(notify).send(any());
    when(storage.listBackups(any())).thenReturn(new BackupCatalog(List.of(
        stored(BackupKind.DATABASE, "db-new", T0.minus(Duration.ofMinutes(40))),
        stored(BackupKind.DATABASE, "db-old", T0.minus(Duration.ofHours(25))),
        stored(BackupKind.FILES, "files-new", T0.minus(Duration.ofHours(8)))), List.of()));
    when(pg.restoreFromBackup(any())).thenAnswer(i -> {
      RestoreDatabaseInput in = i.getArgument(0);
      // each attempt restores into <base>_a<N>
      return new RestoreDatabaseResult(in.restoreName() + "_a1", in.backup().backupId(), 100,
          "sha", 1000);
    });
    when(pg.verifyIntegrity(any())).thenReturn(
        new IntegrityResult(true, List.of(), Map.of("public.users", 10L), 1, DB_COPY));
    when(pg.swapDatabase(any())).thenReturn(new SwapDatabaseResult("docs", "docs_pre_inc_1"));
    when(files.restoreToStaging(any())).thenAnswer(i -> {
      RestoreFilesInput in = i.getArgument(0);
      return new RestoreFilesResult(in.stagingDir() + ".a1", in.backup().backupId(), 3, 300, 5,
          FILES_COPY);
    });
    when(files.swapDirectory(any())).thenReturn(
        new SwapDirectoryResult("/app/uploads", "/app/uploads.pre-INC-1"));
    when(report.writeReport(any())).thenReturn(new ReportLocation("r.md", "r.json"));
    when(plans.load()).thenAnswer(i -> new LoadedPlan(plan, PLAN_SHA, "/etc/dr/dr-plan.yaml"));
  }

  static StoredBackup stored(BackupKind kind, String id, Instant at) {
    String data = BackupKeys.dataKey(STORAGE, kind, id, kind == BackupKind.DATABASE ? ".dump" : ".tar.gz", 1);
    return new StoredBackup(new BackupManifest(1, id, kind, "app", data, "f", 100, "sha", at,
        at.plusSeconds(30), "wf",
        kind == BackupKind.DATABASE
            ? new DatabaseBackupDetails("docs", "db", "15", "15", null, Map.of("public.users", 10L))
            : null,
        kind == BackupKind.FILES
            ? new FileBackupDetails("/app/uploads", data + ".listing", "l", 3, 300) : null),
        BackupKeys.manifestKey(STORAGE, kind, id), StoredBackup.DataState.PRESENT);
  }

  /** Approvals as the tests' plan has them: signatures required, each approver's test key. */
  static ApprovalSettings approvals(boolean requesterMayApprove, Map<String, Integer> min) {
    List<AllowedSigner> signers = KEYS.entrySet().stream()
        .sorted(Map.Entry.comparingByKey()).map(e -> e.getValue().signerFor(e.getKey())).toList();
    return new ApprovalSettings(SignatureMode.REQUIRED, "allowed_signers", "0".repeat(64), signers,
        requesterMayApprove, min);
  }

  static DrPlan plan(OnUnanswered onUnanswered) {
    return plan(onUnanswered, List.of(Duration.ofMinutes(30), Duration.ofMinutes(30),
        Duration.ofHours(1), Duration.ofHours(1)), Duration.ofHours(1));
  }

  /** The plan with these level timeouts (levels 1 to 4) and this reminder interval. */
  static DrPlan plan(OnUnanswered onUnanswered, List<Duration> timeouts, Duration reminder) {
    return new DrPlan("AI Docs Assistant",
        new Objectives(Duration.ofHours(4), Duration.ofHours(24), Duration.ofHours(1),
            Duration.ofHours(24)),
        new DatabaseTarget("db", 5432, "docs", "docs", null, "gzip"),
        new FilesTarget("/app/uploads"), STORAGE, null,
        List.of(
            new EscalationLevel(1, "Infrastructure Team", List.of("alice", "bob"),
                List.of("infra@example.com"), timeouts.get(0)),
            new EscalationLevel(2, "Development Team Lead", List.of("dana"),
                List.of("lead@example.com"), timeouts.get(1)),
            new EscalationLevel(3, "CTO", List.of("carol"), List.of("cto@example.com"),
                timeouts.get(2)),
            new EscalationLevel(4, "CEO", List.of("erin"), List.of("ceo@example.com"),
                timeouts.get(3))),
        new NotificationSettings(Duration.ofMinutes(15),
            List.of(new NotificationChannel("log", null))),
        new io.drorch.workflows.contracts.plan.ApplicationTarget(
            new io.drorch.workflows.contracts.plan.DeployHook(List.of("/opt/app/deploy.sh"), null, null, null),
            null,
            new io.drorch.workflows.contracts.plan.HealthCheck("http://app/health", 200, null, null),
            Duration.ofMinutes(15)),
        new RecoverySettings("/tmp/dr", 2, List.of(), onUnanswered, reminder),
        approvals(false, Map.of()));
  }

  /** Starts recovery INC-1 of the given scope and returns at once. */
  RecoveryWorkflow start(List<RecoveryScope> scope, OnUnanswered onUnanswered) {
    return start(scope, onUnanswered, null, null);
  }

  /** Starts recovery INC-1 with backups taken at or before {@code asOf} and this incident time. */
  RecoveryWorkflow start(List<RecoveryScope> scope, OnUnanswered onUnanswered, Instant asOf,
      Instant incidentAt) {
    if (plan == null) {
      plan = plan(onUnanswered);
    }
    worker.registerActivitiesImplementations(storage, pg, files, app, notify, report, plans,
        new GateConfirmations(env.getWorkflowClient()));
    env.start();
    recovery = env.getWorkflowClient().newWorkflowStub(RecoveryWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("recovery-INC-1")
            .setTaskQueue(worker.getTaskQueue()).build());
    WorkflowClient.start(recovery::recover, new RecoveryInput("INC-1", scope,
        Tier.CRITICAL, asOf, incidentAt, requestedBy));
    return recovery;
  }

  /**
   * Registers the recovery workflows and this harness's mocked activities on a worker of the
   * test's own (e.g. one per build in a test that changes builds mid-run).
   */
  void register(Worker w) {
    if (plan == null) {
      plan = plan(OnUnanswered.REMIND);
    }
    w.registerWorkflowImplementationTypes(RecoveryWorkflowImpl.class,
        DatabaseRecoveryWorkflowImpl.class, FileRecoveryWorkflowImpl.class,
        ApplicationRecoveryWorkflowImpl.class,
        // a recovery opens its post-mortem as it ends: without it the child's tasks fail and
        // time skipping stops
        io.drorch.workflows.postincident.PostIncidentWorkflowImpl.class);
    w.registerActivitiesImplementations(storage, pg, files, app, notify, report, plans,
        new GateConfirmations(env.getWorkflowClient()));
  }

  /** Starts recovery {@code incident} on {@code queue} (workers of the test's own). */
  RecoveryWorkflow startOn(String queue, String incident, List<RecoveryScope> scope) {
    RecoveryWorkflow r = env.getWorkflowClient().newWorkflowStub(RecoveryWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("recovery-" + incident)
            .setTaskQueue(queue).build());
    WorkflowClient.start(r::recover, new RecoveryInput(incident, scope, Tier.CRITICAL, null, null,
        requestedBy));
    recovery = r;
    return r;
  }

  /** What the worker's DecisionActivitiesImpl does: asks the parent's gate by query. */
  static final class GateConfirmations implements DecisionActivities {
    private final WorkflowClient client;

    GateConfirmations(WorkflowClient client) {
      this.client = client;
    }

    @Override
    public DecisionRecord confirmDecision(ConfirmDecisionInput in) {
      return client.newWorkflowStub(RecoveryWorkflow.class, in.parentWorkflowId(),
              java.util.Optional.empty()).status().decisions().stream()
          .filter(d -> d.step().equals(in.step())).findFirst().orElse(null);
    }
  }

  // ---- decisions ---------------------------------------------------------------------------------

  /** The fields of a decision before it is signed; tests change them to forge bad ones. */
  static final class Draft {
    String incident = "INC-1";
    String workflowId = "recovery-INC-1";
    String approver;
    Verdict verdict;
    /** What the JSON says (may be null); {@link #signedStep} is what the signature covers. */
    String step;
    String signedStep;
    String comment;
    String run;
    String backup;
    String copy;
    String signedAt;
    String expiresAt;
    TestKey key;

    String text() {
      return DecisionText.canonical(incident, workflowId, run, signedStep, backup, copy, verdict,
          approver, comment, signedAt, expiresAt);
    }

    ApprovalDecision sign() {
      return new ApprovalDecision(approver, verdict, step, comment, run, backup, copy, signedAt,
          expiresAt, key.sign(text()));
    }

    ApprovalDecision unsigned() {
      return new ApprovalDecision(approver, verdict, step, comment, run, backup, copy, signedAt,
          expiresAt, null);
    }
  }

  /**
   * A decision on {@code step} (null: the only pending one, and the JSON leaves the step out),
   * as {@code dr approve} makes it: the pending request's run, backup and copy, signed now by
   * the approver's key, valid one hour.
   */
  Draft draft(String approver, Verdict verdict, String step, String comment) {
    RecoveryStatus s = recovery.status();
    PendingDecision p = s.pending().stream()
        .filter(x -> step == null || x.step().equals(step)).findFirst()
        .orElseThrow(() -> new AssertionError("nothing pending at " + step + ": " + s));
    Draft d = new Draft();
    d.approver = approver;
    d.verdict = verdict;
    d.step = step;
    d.signedStep = p.step();
    d.comment = comment;
    d.run = s.runId();
    d.backup = p.backupId();
    d.copy = p.copyFingerprint();
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    d.signedAt = DecisionText.format(now);
    d.expiresAt = DecisionText.format(now.plus(Duration.ofHours(1)));
    d.key = KEYS.get(approver);
    return d;
  }

  ApprovalDecision signed(String approver, Verdict verdict, String step, String comment) {
    return draft(approver, verdict, step, comment).sign();
  }

  /** The run id of the started recovery (known to the starter before anything is pending). */
  String runId() {
    return WorkflowStub.fromTyped(recovery).getExecution().getRunId();
  }

  /**
   * The recovery's report. Bounded in real time: a test server that got stuck (e.g. on a timer
   * race under time skipping) fails the test instead of hanging the build.
   */
  RecoveryReport result() {
    try {
      return WorkflowStub.fromTyped(recovery).getResult(3, java.util.concurrent.TimeUnit.MINUTES,
          RecoveryReport.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result within 3 minutes; status: " + recovery.status(), e);
    }
  }

  /**
   * Lets virtual time pass until something is pending (or fails after a virtual day). Steps of one
   * virtual second at first, so it returns within a second of the gate opening: the tests count
   * the escalation timeouts from here, and a coarser step ate into their margin.
   */
  void awaitPending() {
    Duration waited = Duration.ZERO;
    while (waited.compareTo(Duration.ofDays(1)) < 0) {
      if (!recovery.status().pending().isEmpty()) {
        return;
      }
      Duration step = waited.compareTo(Duration.ofMinutes(2)) < 0
          ? Duration.ofSeconds(1) : Duration.ofMinutes(1);
      env.sleep(step);
      waited = waited.plus(step);
    }
    throw new AssertionError("no decision became pending");
  }

  /**
   * Lets virtual time pass in steps of {@code step} until {@code condition} holds; fails (instead of
   * hanging) when it still does not after {@code limit} of virtual time.
   */
  void awaitVirtual(java.util.function.BooleanSupplier condition, Duration step, Duration limit,
      String what) {
    Duration waited = Duration.ZERO;
    while (!condition.getAsBoolean()) {
      if (waited.compareTo(limit) >= 0) {
        throw new AssertionError("after " + limit + " of virtual time, still not: " + what
            + "; status: " + recovery.status());
      }
      env.sleep(step);
      waited = waited.plus(step);
    }
  }

  /** When the incident began (the start of the run unless --incident-at): the RTO counts from here. */
  Instant incidentAt() {
    RecoveryStatus s = recovery.status();
    return s.rtoDeadline().minus(plan.objectives().rtoCritical());
  }

  /** Virtual time from the incident's start to the notification (no real time before the start). */
  Duration sinceIncident(Notification n) {
    return Duration.between(incidentAt(), n.at());
  }

  List<Notification> events(String event) {
    return sent.stream().filter(n -> n.event().equals(event)).toList();
  }

  /** The notifications {@code event} of one incident. */
  List<Notification> events(String incident, String event) {
    return sent.stream().filter(n -> n.incidentId().equals(incident) && n.event().equals(event))
        .toList();
  }

  Duration since(Notification n) {
    return Duration.between(T0, n.at());
  }
}
