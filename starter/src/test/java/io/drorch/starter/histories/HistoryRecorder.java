package io.drorch.starter.histories;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.starter.drill.DrillRuns;
import io.drorch.starter.pitr.PitrStack;
import io.drorch.starter.rpo.RpoRuns;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.backup.VerifyByRestoreWorkflow;
import io.drorch.workflows.contracts.commands.EscalateRequest;
import io.drorch.workflows.contracts.commands.PostmortemEntry;
import io.drorch.workflows.contracts.commands.VerifyByRestoreInput;
import io.drorch.workflows.contracts.plan.ApplicationTarget;
import io.drorch.workflows.contracts.plan.DeployHook;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.HealthCheck;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.DrillReport;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.Postmortem;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RestoreTestOutcome;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import io.drorch.workflows.contracts.values.RetentionResult;
import io.drorch.workflows.contracts.values.RpoWatchResult;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.drill.Drills;
import io.drorch.workflows.postincident.PostIncidentWorkflow;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Records the histories {@code RecordedHistoriesReplayTest} replays: runs each scenario on the
 * real Temporal dev server with the worker's real activities (PostgreSQL, S3) and writes every
 * workflow's history as JSON to {@code <dir>/<WorkflowType>/<scenario>.json}. Runs only when
 * asked: {@code scripts/record-histories} sets {@code -Ddr.record.histories=<dir>} (the class name
 * matches no surefire pattern, so a module's suite never runs it).
 *
 * <p>{@code -Ddr.record.only=<name>[,<name>...]} (the script's arguments) records only some: a
 * name selects the scenarios whose name or one of whose workflow types contains it (ignoring
 * case); a name matching a scenario writes all of its histories, a name matching only a type
 * writes only that type's histories, so the other recorded files stay as they are. The backups
 * always run (the recoveries restore them) but are written only when selected.
 *
 * <p>A new workflow type gets a scenario here: add it to {@link #scenarios} with the types it
 * records (start it, let it reach the states worth replaying, {@link #save} each run).
 */
class HistoryRecorder {
  static final String DIR = "dr.record.histories";
  static final String ONLY = "dr.record.only";
  static final List<RecoveryScope> ALL =
      List.of(RecoveryScope.DATABASE, RecoveryScope.FILES, RecoveryScope.APPLICATION);

  private Path out;
  private WorkflowClient client;
  private Selection only;
  private Scenario current;

  /**
   * A scenario: its name (what {@code -Ddr.record.only} matches), the workflow types whose
   * histories it saves (declared, so a selection by type knows which scenarios to run), its body.
   */
  record Scenario(String name, List<String> types, Body body) {}

  interface Body {
    void run(TestStack stack, String queue) throws Exception;
  }

  /** Every scenario, in the order they run (the backups first: the recoveries restore them). */
  List<Scenario> scenarios() {
    return List.of(
        new Scenario("backup", List.of("DatabaseBackupWorkflow", "FileBackupWorkflow"),
            (stack, queue) -> backups(queue)),
        new Scenario("sweep", List.of("RetentionWorkflow"), (stack, queue) -> retention(queue)),
        new Scenario("waiting-escalated-rejected",
            List.of("RecoveryWorkflow", "DatabaseRecoveryWorkflow", "FileRecoveryWorkflow"),
            this::waitingAndEscalated),
        new Scenario("recovered", List.of("RecoveryWorkflow", "DatabaseRecoveryWorkflow",
            "FileRecoveryWorkflow", "ApplicationRecoveryWorkflow", "PostIncidentWorkflow"),
            (stack, queue) -> {
              recovered(stack, queue);
              postIncident(stack, queue); // the post-mortem the recovered incident opened
            }),
        new Scenario("verify-by-restore", List.of("VerifyByRestoreWorkflow"),
            this::verifyByRestore),
        new Scenario("drill", List.of("DrillWorkflow", "DrillCleanupWorkflow"),
            (stack, queue) -> {
              drillPassed(stack, queue);
              drillFailedAndCleanedUp(stack, queue); // last: it corrupts the newest backup
            }));
  }
  private DrPlan plan;

  @Test
  void record() throws Exception {
    String dir = System.getProperty(DIR);
    Assumptions.assumeTrue(dir != null && !dir.isBlank(),
        "records only with -D" + DIR + "=<dir> (scripts/record-histories)");
    out = Path.of(dir);
    only = Selection.parse(System.getProperty(ONLY, ""));
    List<Scenario> chosen = scenarios().stream()
        .filter(sc -> sc.name().equals("backup") || only.runs(sc)).toList();
    assertTrue(chosen.stream().anyMatch(only::runs), "-D" + ONLY + "=" + only
        + " selects no scenario; the scenarios and their types: " + scenarios().stream()
        .map(sc -> sc.name() + " " + sc.types()).toList());
    TestStack stack = TestStack.get();
    assertTrue(stack.temporal.realServer(), "histories are recorded on the real Temporal dev"
        + " server, not the Java test server: install the temporal CLI (scripts/ensure-tools.sh"
        + " demo) or set DR_TEMPORAL_CLI");
    client = stack.temporal.client();
    HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/", x -> {
      x.sendResponseHeaders(200, -1);
      x.close();
    });
    app.start();
    plan = plan(stack, app.getAddress().getPort());
    try (LocalWorker worker = stack.worker(plan)) {
      String queue = worker.taskQueue();
      for (Scenario sc : chosen) {
        System.out.println("[recorder] scenario " + sc.name());
        current = sc;
        sc.body().run(stack, queue);
      }
    } finally {
      app.stop(0);
    }
  }

  /**
   * A full base backup with pgBackRest on the database host's queue (its own cluster), and an
   * RPO watch tick.
   */
  private void pitr() throws Exception {
    PitrStack ps = PitrStack.get();
    try (LocalWorker worker = LocalWorker.start(client, ps.secrets(), ps.plan(),
        ps.stack.dir.resolve("plans/histories-pitr/dr-plan.yaml"), "dr-histories-pitr")) {
      WorkflowStub full = BackupRuns.startBase(client, worker.taskQueue(), "full", "recorder");
      BackupRuns.await(full);
      save(full.getExecution().getWorkflowId(), "full");
      // an RPO watch tick over the same cluster: WAL archived, database and files in breach
      // (no logical backups in this bucket), so it notifies
      WorkflowStub tick = RpoRuns.start(client, worker.taskQueue(), "recorder");
      tick.getResult(RpoWatchResult.class);
      save(tick.getExecution().getWorkflowId(), "breach");
    }
  }

  private DrPlan plan(TestStack stack, int appPort) throws Exception {
    DrPlan base = stack.samplePlan("histories", "histories");
    String migrations = "filesystem:" + SampleApplication.migrationsDir() + ",filesystem:"
        + SampleApplication.pendingMigrationsDir();
    String url = "http://127.0.0.1:" + appPort;
    return stack.withWorkDir(base.withDatabase(base.database().withMigrations(migrations)),
            "histories", List.of("SELECT count(*) > 0 FROM users"))
        .withDeployment(new ApplicationTarget(
            new DeployHook(null, url + "/deploy", "POST", Duration.ofMinutes(1)), null,
            new HealthCheck(url + "/health", 200, Duration.ofMinutes(1), Duration.ofSeconds(1)),
            Duration.ofSeconds(2)));
  }

  /** A database and a file backup. */
  private void backups(String queue) throws Exception {
    WorkflowStub db = BackupRuns.startDatabase(client, queue, "recorder");
    long second = BackupRuns.await(db).startedAt().getEpochSecond();
    save(db.getExecution().getWorkflowId(), "backup");
    // backup ids have whole seconds: the next one starts in a later second
    Waits.await("a second later than the database backup's", Duration.ofSeconds(10),
        () -> java.time.Instant.now().getEpochSecond() > second);
    WorkflowStub files = BackupRuns.startFiles(client, queue, "recorder");
    BackupRuns.await(files);
    save(files.getExecution().getWorkflowId(), "backup");
  }

  /** A retention sweep over what the backups left (nothing past retention: reads, keeps all). */
  private void retention(String queue) throws Exception {
    WorkflowStub sweep = BackupRuns.startRetention(client, queue, "recorder");
    sweep.getResult(RetentionResult.class);
    save(sweep.getExecution().getWorkflowId(), "sweep");
  }

  /** A recovery waiting for approval of both swaps, then escalated by hand to level 2. */
  private void waitingAndEscalated(TestStack stack, String queue) throws Exception {
    RecoveryWorkflow wf = RecoveryRuns.start(client, queue, "HIST-WAIT",
        List.of(RecoveryScope.DATABASE, RecoveryScope.FILES), Tier.CRITICAL, null, null,
        "recorder");
    Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(3));
    Waits.pending(wf, "files-swap", 0, Duration.ofMinutes(3));
    String id = "recovery-HIST-WAIT";
    save(id, "waiting-for-approval");
    save(id + "-database", "waiting-for-approval");
    save(id + "-files", "waiting-for-approval");
    wf.escalate(new EscalateRequest("recorder", "recording the escalated history"));
    Waits.pending(wf, "database-swap", 2, Duration.ofMinutes(1));
    save(id, "escalated");
    RecoveryRuns.decide(client, "HIST-WAIT", "dana", Verdict.REJECT, "database-swap",
        "recorded", stack.signer("dana"));
    RecoveryRuns.decide(client, "HIST-WAIT", "dana", Verdict.REJECT, "files-swap",
        "recorded", stack.signer("dana"));
    assertEquals(Outcome.ABORTED, RecoveryRuns.result(client, "HIST-WAIT").outcome());
    save(id, "rejected");
  }

  /** A recovery of database, files and application, approved and recovered. */
  private void recovered(TestStack stack, String queue) throws Exception {
    RecoveryWorkflow wf = RecoveryRuns.start(client, queue, "HIST-OK", ALL, Tier.CRITICAL, null,
        null, "recorder");
    Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(3));
    Waits.pending(wf, "files-swap", 0, Duration.ofMinutes(3));
    RecoveryRuns.decide(client, "HIST-OK", "alice", Verdict.APPROVE, "database-swap", "ok",
        stack.signer("alice"));
    RecoveryRuns.decide(client, "HIST-OK", "alice", Verdict.APPROVE, "files-swap", "ok",
        stack.signer("alice"));
    RecoveryReport report = RecoveryRuns.result(client, "HIST-OK");
    assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
    String id = "recovery-HIST-OK";
    save(id, "recovered");
    save(id + "-database", "recovered");
    save(id + "-files", "recovered");
    save(id + "-application", "recovered");
  }

  /**
   * The post-mortem the recovered incident opened: open (nothing recorded), then its five items
   * recorded with {@code dr postmortem}'s Update, closed and the report re-rendered.
   */
  private void postIncident(TestStack stack, String queue) throws Exception {
    String id = PostIncidentWorkflow.ID_PREFIX + "HIST-OK";
    PostIncidentWorkflow pm = client.newWorkflowStub(PostIncidentWorkflow.class, id);
    Waits.await(id + " open with its five items", Duration.ofMinutes(1),
        () -> {
          try {
            return pm.status().items().size() == 5;
          } catch (RuntimeException notYet) {
            return false; // the recovery starts it as it ends
          }
        });
    save(id, "open");
    pm.record(new PostmortemEntry("alice", "the recorder broke nothing; it recovered anyway",
        "recording histories", "record every new workflow type", "dana", Duration.ofDays(7),
        null, null, null, null));
    pm.record(new PostmortemEntry("dana", null, null, null, null, null, List.of(1),
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true,
        List.of("alice", "dana")));
    Postmortem closed = WorkflowStub.fromTyped(pm).getResult(Postmortem.class);
    assertTrue(closed.closed(), closed.toString());
    save(id, "closed");
  }

  /**
   * Verify-by-restore of the newest database backup (restored into scratch, marked), then the
   * daily mode's skip of a second backup of the same day.
   */
  private void verifyByRestore(TestStack stack, String queue) throws Exception {
    StoredBackup newest = newestDatabaseBackup(stack);
    String first = "verify-" + newest.manifest().backupId();
    RestoreVerdict v = verifier(queue, first).verify(
        new VerifyByRestoreInput(newest.manifest(), false));
    assertEquals(RestoreTestOutcome.VERIFIED_BY_RESTORE, v.outcome(), v.reason());
    save(first, "verified");
    long verifiedSecond = newest.manifest().startedAt().getEpochSecond(); // ids: whole seconds
    Waits.await("a second later than the verified backup's", Duration.ofSeconds(10),
        () -> java.time.Instant.now().getEpochSecond() > verifiedSecond);
    BackupRuns.await(BackupRuns.startDatabase(client, queue, "recorder"));
    StoredBackup second = newestDatabaseBackup(stack);
    String next = "verify-" + second.manifest().backupId();
    assertNull(verifier(queue, next).verify(new VerifyByRestoreInput(second.manifest(), true)),
        "daily: a backup of the same day was verified");
    save(next, "skipped-same-day");
  }

  private VerifyByRestoreWorkflow verifier(String queue, String workflowId) {
    return client.newWorkflowStub(VerifyByRestoreWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(queue).build());
  }

  private StoredBackup newestDatabaseBackup(TestStack stack) {
    return StorageActivitiesImpl.catalog(stack.clients.store(plan.storage())).backups().stream()
        .filter(b -> b.manifest().kind() == BackupKind.DATABASE).findFirst().orElseThrow();
  }

  /** A drill of both kinds into scratch that passes and cleans up after itself. */
  private void drillPassed(TestStack stack, String queue) throws Exception {
    WorkflowStub run = DrillRuns.start(client, queue, "drill-hist-ok", List.of(), "recorder");
    DrillReport r = DrillRuns.report(run).orElseThrow();
    assertTrue(r.passed(), r.problems().toString());
    save("drill-hist-ok", "passed");
  }

  /**
   * A drill of a corrupt newest database backup: it fails, keeps its scratch for inspection
   * (its cleanup workflow waits), then {@code dr drill cleanup} removes the scratch at once.
   */
  private void drillFailedAndCleanedUp(TestStack stack, String queue) throws Exception {
    var store = stack.clients.store(plan.storage());
    var newest = newestDatabaseBackup(stack).manifest();
    byte[] garbage = new byte[(int) newest.sizeBytes()];
    java.util.Arrays.fill(garbage, (byte) 7);
    store.put(newest.dataKey(), garbage, "application/octet-stream");
    WorkflowStub run = DrillRuns.start(client, queue, "drill-hist-bad", List.of("database"),
        "recorder");
    DrillReport r = DrillRuns.report(run).orElseThrow();
    assertFalse(r.passed(), "a corrupt backup fails the drill");
    save("drill-hist-bad", "failed");
    String cleanupId = Drills.cleanupId("drill-hist-bad");
    save(cleanupId, "kept-for-inspection");
    DrillRuns.cleanup(client, queue, "drill-hist-bad", "recorder").getResult(List.class);
    save(cleanupId, "cleaned-up-now");
  }

  /**
   * Writes the history of {@code workflowId} to {@code <dir>/<its type>/<scenario>.json}, if the
   * running scenario or that type is selected.
   */
  private void save(String workflowId, String scenario) throws Exception {
    WorkflowExecutionHistory history = client.fetchHistory(workflowId);
    String type = history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes()
        .getWorkflowType().getName();
    assertTrue(current.types().contains(type), "scenario " + current.name() + " recorded a "
        + type + ", which it does not declare: add it to its types in scenarios()");
    if (!only.writes(current, type)) {
      System.out.printf("not selected: %s (%s/%s)%n", workflowId, type, scenario);
      return;
    }
    Path file = out.resolve(type).resolve(scenario.toLowerCase(Locale.ROOT) + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, history.toJson(true) + "\n");
    System.out.printf("recorded %s (%d events) -> %s%n", workflowId, history.getEvents().size(),
        file);
  }

  /** The names given with {@code -Ddr.record.only} (none: everything). */
  record Selection(List<String> names) {
    static Selection parse(String csv) {
      return new Selection(java.util.Arrays.stream(csv.split("[,\\s]+"))
          .map(n -> n.trim().toLowerCase(Locale.ROOT)).filter(n -> !n.isEmpty()).toList());
    }

    boolean runs(Scenario sc) {
      return names.isEmpty() || names.stream().anyMatch(n -> matches(sc.name(), n)
          || sc.types().stream().anyMatch(t -> matches(t, n)));
    }

    /** A history of {@code type} recorded by scenario {@code sc} is written. */
    boolean writes(Scenario sc, String type) {
      return names.isEmpty()
          || names.stream().anyMatch(n -> matches(sc.name(), n) || matches(type, n));
    }

    private static boolean matches(String what, String name) {
      return what.toLowerCase(Locale.ROOT).contains(name);
    }

    @Override
    public String toString() {
      return String.join(",", names);
    }
  }
}
