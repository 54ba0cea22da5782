package io.drorch.starter.demo;

import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.activities.report.ReportMarkdown;
import io.drorch.activities.storage.BackupVerifier;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.activities.storage.StorageSetup;
import io.drorch.local.LocalPostgres;
import io.drorch.local.LocalS3;
import io.drorch.local.LocalTemporal;
import io.drorch.local.SampleApplication;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.console.Terminal;
import io.drorch.starter.console.Waiting;
import io.drorch.starter.backup.BackupTable;
import io.drorch.activities.plan.PlanLoader;
import io.drorch.starter.recovery.RecoveryFollower;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.starter.schedules.ScheduleSync;
import io.drorch.worker.TemporalConnection;
import io.drorch.worker.WorkerLogs;
import io.drorch.worker.WorkerSecrets;
import io.drorch.worker.codec.CodecServer;
import io.drorch.worker.codec.PayloadKeys;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.contracts.values.VerifyBackupResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The main job on embedded defaults, a full drill: local PostgreSQL, S3 and Temporal; the sample
 * application; database and file backups, listed and verified; a simulated disaster (database
 * dropped, uploads deleted); the recovery with its approvals (given by the command, or by you
 * with {@code --interactive}); verification against the data as it was; the report.
 */
public final class LocalDrill {
  private final Path dir;
  private final Path planFile;
  private final int scale;
  private final boolean interactive;
  private final PrintStream out;
  private final Terminal term;
  private boolean verbose;

  public LocalDrill(Path dir, Path planFile, int scale, boolean interactive, PrintStream out) {
    this.dir = dir;
    this.planFile = planFile;
    this.scale = scale;
    this.interactive = interactive;
    this.out = out;
    this.term = Terminal.of(out);
  }

  /** With true, the worker's log stays on stderr; else it goes to DIR/logs/worker.log. */
  public LocalDrill verbose(boolean verbose) {
    this.verbose = verbose;
    return this;
  }

  /** Runs the drill; with {@code keepRunning} waits (Ctrl-C) so the Web UI can be explored. */
  public boolean run(boolean keepRunning) throws Exception {
    DrPlan example = PlanLoader.load(planFile);
    Instant t0 = Instant.now();
    String incident = "DRILL-" + t0.toString().replaceAll("[^0-9]", "").substring(0, 14);
    step("starting the local stack in " + dir.toAbsolutePath());
    Path workerLog = dir.resolve("logs/worker.log");
    if (!verbose) {
      WorkerLogs.toFile(workerLog);
    }
    Path uploads = dir.resolve("uploads");
    PayloadKeys keys = demoKeys();
    try (CodecServer codec = CodecServer.start("127.0.0.1", 0, keys, List.of(), null);
        LocalPostgres pg = LocalPostgres.start(dir.resolve("postgres"));
        LocalS3 s3 = LocalS3.start(dir.resolve("s3"));
        LocalTemporal temporal = LocalTemporal.start(dir.resolve("temporal"), codec.url());
        DemoApplication app = DemoApplication.start(pg, LocalPlan.DATABASE, uploads);
        S3Clients clients = new S3Clients(s3.credentials())) {
      out.printf("  PostgreSQL %s:%d, S3 %s, Temporal %s (%s)%n", pg.host(), pg.port(),
          s3.endpoint(), temporal.target(),
          temporal.realServer() ? "temporal server start-dev" : "Java test server, no Web UI");
      temporal.uiUrl().ifPresent(codec::allowOrigin);
      temporal.uiUrl().ifPresent(u -> out.println("  Temporal Web UI: " + u
          + " (decodes payloads through the codec server " + codec.url() + ")"));
      out.println("  " + keys.describe());
      out.println(verbose ? "  worker log: here, on stderr (--verbose)"
          : "  worker log: " + workerLog + "   (--verbose shows it here)");
      TemporalConnection connection = TemporalConnection.of(temporal.target(), temporal.namespace())
          .withPayloadKeys(keys);
      WorkflowClient client = connection.client(temporal.service());

      step("the sample application: database '" + LocalPlan.DATABASE + "', uploads, the app");
      resetSample(pg, uploads);
      SampleApplication.createDatabase(pg, LocalPlan.DATABASE, scale);
      SampleApplication.createUploads(uploads, 200);
      step("the approvers' keys: ssh-keygen -t ed25519 for " + LocalPlan.approvers(example)
          + " in " + dir.resolve("keys"));
      ApproverKeys approverKeys =
          ApproverKeys.in(dir.resolve("keys"), LocalPlan.approvers(example));
      DrPlan plan = LocalPlan.of(example, pg, s3.endpoint(), uploads, app, dir, approverKeys);

      step("dr storage init");
      for (StorageSetup.Step s : StorageSetup.init(clients.client(plan.storage()), plan.storage())) {
        out.printf("  %-11s %-11s %s%n", s.name(), s.outcome(), s.detail());
      }
      clients.store(plan.storage()).putIfAbsent(BackupKeys.root(plan.storage()) + LocalPlan.ENV_KEY,
          ("# the application's environment, restored by the application recovery\n"
              + "DATABASE_URL=postgresql://" + pg.host() + ":" + pg.port() + "/" + LocalPlan.DATABASE
              + "\nUPLOADS_DIR=" + uploads.toAbsolutePath() + "\nSESSION_SECRET=drill-only\n")
              .getBytes(StandardCharsets.UTF_8), "text/plain");

      WorkerSecrets secrets =
          new WorkerSecrets(DatabaseCredentials.fixed(pg.password()), s3.credentials());
      Path planFile = dir.resolve("plan/dr-plan.yaml");
      try (LocalWorker worker = LocalWorker.start(client, secrets, plan, planFile,
          TaskQueues.DR)) {
        out.printf("  the worker reads its plan %s (sha256 %s) and %s%n", planFile,
            worker.planSha256(), planFile.resolveSibling("allowed_signers"));
        step("dr backup database --wait   and   dr backup files --wait");
        WorkflowStub db = BackupRuns.startDatabase(client, worker.taskQueue(), "drill");
        WorkflowStub files = BackupRuns.startFiles(client, worker.taskQueue(), "drill");
        Map<String, WorkflowStub> runs = new LinkedHashMap<>();
        runs.put("database", db);
        runs.put("files", files);
        List<BackupResult> results = Waiting.results(client, term, runs, BackupResult.class);
        BackupResult dbResult = results.get(0);
        BackupResult filesResult = results.get(1);
        for (BackupResult r : results) {
          out.printf("  %s committed: %s (%s)%n", r.backupId(), r.dataKey(),
              BackupTable.human(r.sizeBytes()));
        }
        if (temporal.realServer()) {
          step("dr schedules apply");
          ScheduleSync.apply(connection.scheduleClient(temporal.service()), plan, "schedule",
                  worker.taskQueue())
              .forEach(a -> out.printf("  %-20s %-8s %s%n", a.scheduleId(), a.action(), a.cron()));
        }
        step("dr backups list");
        BackupCatalog catalog = StorageActivitiesImpl.catalog(clients.store(plan.storage()));
        BackupTable.print(catalog.backups(), catalog.orphans().size(), out);
        step("dr backups verify (re-read from S3, size + SHA-256)");
        for (BackupResult r : List.of(dbResult, filesResult)) {
          VerifyBackupResult v =
              new BackupVerifier(clients.store(plan.storage()), b -> {}).verify(r.backupId());
          out.printf("  %s %s%n", r.backupId(), v.valid() ? "VALID" : "INVALID: " + v.problem());
        }

        Map<String, DataFingerprint.Table> dbBefore;
        try (Connection c = pg.connect(LocalPlan.DATABASE)) {
          dbBefore = DataFingerprint.database(c);
        }
        Map<String, String> filesBefore = DataFingerprint.tree(uploads);

        step("DISASTER: database '" + LocalPlan.DATABASE + "' dropped, " + uploads + " deleted");
        pg.dropDatabase(LocalPlan.DATABASE);
        deleteTree(uploads);
        app.undeploy();

        step("dr recover --incident " + incident + " --scope database,files,application"
            + (interactive ? "   (you approve)" : "   (the drill approves as level 1)"));
        RecoveryRuns.start(client, worker.taskQueue(), incident,
            List.of(RecoveryScope.DATABASE, RecoveryScope.FILES, RecoveryScope.APPLICATION),
            Tier.CRITICAL, null, null, "drill");
        RecoveryReport report =
            new RecoveryFollower(client, incident, term).follow(approver(approverKeys));

        step("verification against the data as it was before the disaster");
        boolean ok = report.outcome() == Outcome.RECOVERED;
        try (Connection c = pg.connect(LocalPlan.DATABASE)) {
          Map<String, DataFingerprint.Table> after = DataFingerprint.databaseLike(c, dbBefore);
          boolean same = after.equals(dbBefore);
          out.printf("  database: %d tables, row counts and ordered md5 %s%n", after.size(),
              same ? term.green("IDENTICAL") : term.red("DIFFERENT"));
          boolean v3 = c.getMetaData().getTables(null, "public", "message_feedback", null).next();
          out.printf("  pending migration V3 (message_feedback) %s%n",
              v3 ? term.green("applied") : term.red("MISSING"));
          ok &= same && v3;
        }
        boolean sameFiles = Files.isDirectory(uploads) && DataFingerprint.tree(uploads).equals(filesBefore);
        out.printf("  uploads: %d entries %s%n", filesBefore.size(),
            sameFiles ? term.green("IDENTICAL byte for byte") : term.red("DIFFERENT"));
        out.printf("  stakeholder notifications received by the webhook: %d%n",
            app.notifications().size());
        ok &= sameFiles;

        step("the incident report");
        Path reportFile = dir.resolve("reports").resolve(incident + ".md");
        Files.createDirectories(reportFile.getParent());
        Files.writeString(reportFile, ReportMarkdown.render(report));
        out.println("  " + ReportMarkdown.summary(report));
        out.println("  " + reportFile + "   (also in S3: " + report.markdownKey() + ")");
        String verdict = String.format("drill done in %d s: %s",
            Duration.between(t0, Instant.now()).toSeconds(),
            ok ? "RECOVERED, data verified" : "THE DRILL FAILED");
        out.println();
        out.println(ok ? term.green(verdict) : term.red(verdict));
        if (keepRunning) {
          out.println("the stack keeps running; press Ctrl-C to stop");
          Thread.currentThread().join();
        }
        return ok;
      }
    }
  }

  /**
   * The payload keys of the drill: the environment's (DR_PAYLOAD_KEYS / DR_PAYLOAD_KEY), else a
   * key file in the drill's directory, made on the first run and kept (the dev server's history
   * in temporal.db outlives a run, and stays readable in the Web UI with the same key).
   */
  private PayloadKeys demoKeys() throws java.io.IOException {
    PayloadKeys env = PayloadKeys.fromEnvironment();
    return env.enabled() ? env : PayloadKeys.createIfMissing(dir.resolve("payload-keys"), "demo");
  }

  /**
   * The drill's approvers: the first approver of the pending level (another one for a step
   * that needs several), or you (--interactive); each signs with the key the drill made.
   */
  private Function<PendingDecision, RecoveryRuns.Answer> approver(ApproverKeys keys) {
    if (!interactive) {
      return p -> {
        String who = nextApprover(p);
        return new RecoveryRuns.Answer(who,
            p.kind() == io.drorch.workflows.contracts.values.DecisionKind.DESTRUCTIVE_STEP
                ? Verdict.APPROVE : Verdict.ABORT, "given by the local drill", keys.signer(who));
      };
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    return p -> {
      try {
        String who = nextApprover(p);
        out.printf("  answer as %s (signed with %s) — verdict (%s): ", who, keys.key(who),
            p.kind() == io.drorch.workflows.contracts.values.DecisionKind.DESTRUCTIVE_STEP
                ? "approve/reject" : "retry/skip/abort");
        out.flush();
        String line = in.readLine();
        if (line == null || line.isBlank()) {
          return null;
        }
        return new RecoveryRuns.Answer(who,
            Verdict.valueOf(line.trim().toUpperCase(Locale.ROOT)), "interactive drill",
            keys.signer(who));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  /** The first approver of the pending level who has not approved it yet. */
  private static String nextApprover(PendingDecision p) {
    return p.approvers().stream().filter(a -> !p.approvedBy().contains(a)).findFirst()
        .orElse(p.approvers().get(0));
  }

  /** A drill run again starts from the same sample: the previous run's data and copies go. */
  private static void resetSample(LocalPostgres pg, Path uploads) throws Exception {
    try (Connection c = pg.connect("postgres");
        var r = c.createStatement().executeQuery(
            "SELECT datname FROM pg_database WHERE datname LIKE '" + LocalPlan.DATABASE + "%'")) {
      List<String> names = new java.util.ArrayList<>();
      while (r.next()) {
        names.add(r.getString(1));
      }
      names.forEach(pg::dropDatabase);
    }
    Path parent = uploads.toAbsolutePath().getParent();
    if (Files.isDirectory(parent)) {
      try (var s = Files.list(parent)) {
        for (Path p : s.filter(p -> p.getFileName().toString().startsWith("uploads")).toList()) {
          deleteTree(p);
        }
      }
    }
  }

  static void deleteTree(Path root) throws java.io.IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private void step(String what) {
    out.println();
    out.println(term.bold("== " + what));
  }
}
