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
    try (LocalStack stack = LocalStack.start(dir, example, scale, true, verbose, out, this::step)) {
      LocalPostgres pg = stack.pg();
      LocalTemporal temporal = stack.temporal();
      DemoApplication app = stack.app();
      S3Clients clients = stack.clients();
      WorkflowClient client = stack.client();
      ApproverKeys approverKeys = stack.approverKeys();
      DrPlan plan = stack.plan();
      LocalWorker worker = stack.worker();
      Path uploads = stack.uploads();
      {
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
          ScheduleSync.apply(stack.connection().scheduleClient(temporal.service()), plan, "schedule",
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
        LocalStack.deleteTree(uploads);
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
          Path env = stack.writeEnv();
          out.println();
          out.println("the stack keeps running (press Ctrl-C to stop it); its plan is "
              + dir.resolve(LocalStack.PLAN_FILE) + ", its addresses and keys in " + env
              + ". From another shell:");
          stack.howToUse().forEach(c -> out.println("  " + c));
          Thread.currentThread().join();
        }
        return ok;
      }
    }
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

  private void step(String what) {
    out.println();
    out.println(term.bold("== " + what));
  }
}
