package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.worker.DrWorker;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.Verdict;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The operator commands of the README that no other test runs, against the real stack: `dr
 * reject` (exit code, the live database untouched), `dr schedules apply` twice and `list`, `dr plan
 * render`, `dr backups verify` on a corrupted backup (exit 1), and Temporal or S3 that cannot be
 * reached (exit 4; PostgreSQL: BackupCliTest.unreachableDatabaseIsRetriedThenFailsClearly).
 */
class CliSurfaceTest {
  static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    System.setProperty("aws.accessKeyId", stack.s3.accessKey());
    System.setProperty("aws.secretAccessKey", stack.s3.secretKey());
    System.setProperty("aws.region", "us-east-1");
  }

  @AfterAll
  static void clear() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    System.clearProperty("aws.region");
  }

  private static Map<String, String> values(String db, String bucket) {
    Map<String, String> v = new HashMap<>();
    v.put("DR_DB_HOST", stack.pg.host());
    v.put("DR_DB_PORT", String.valueOf(stack.pg.port()));
    v.put("DR_DB_NAME", db);
    v.put("DR_DB_USER", stack.pg.superuser());
    v.put("DR_DB_MIGRATIONS", "filesystem:" + SampleApplication.migrationsDir());
    v.put("DR_UPLOADS_DIR", stack.dir.resolve("uploads-" + db).toString());
    v.put("DR_S3_BUCKET", bucket);
    v.put("DR_S3_ENDPOINT", stack.s3.endpoint());
    v.put("DR_S3_PATH_STYLE", "true");
    v.put("DR_ALLOWED_SIGNERS", stack.allowedSigners.toString());
    return v;
  }

  /** {@code args} with the plan, the stack's Temporal and (when given) the worker's queue. */
  private static String[] with(Path plan, String queue, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--plan", plan.toString(), "--address", stack.temporal.target()));
    if (queue != null) {
      all.addAll(List.of("--task-queue", queue));
    }
    return all.toArray(String[]::new);
  }

  private static long databaseOid(String name) throws Exception {
    try (Connection c = stack.pg.connect("postgres");
        ResultSet r = c.createStatement().executeQuery(
            "SELECT oid FROM pg_database WHERE datname = '" + name + "'")) {
      return r.next() ? r.getLong(1) : -1;
    }
  }

  @Test
  void rejectEndsTheRecoveryWithExitCode0AndTheLiveDatabaseIsUntouched() throws Exception {
    SampleApplication.createDatabase(stack.pg, "cli_rej", 1);
    stack.s3.createBucket("cli-rej");
    Path plan = Cli.planFile(stack.dir, "cli-rej", values("cli_rej", "cli-rej"));
    try (DrWorker worker = stack.worker(plan)) {
      String queue = worker.taskQueue();
      BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), queue, "test"));
      // the live database moves on after the backup: a swap would bring the old rows back
      try (Connection c = stack.pg.connect("cli_rej")) {
        c.createStatement().execute("DELETE FROM messages WHERE id % 2 = 0");
      }
      Map<String, DataFingerprint.Table> live;
      try (Connection c = stack.pg.connect("cli_rej")) {
        live = DataFingerprint.database(c);
      }
      long oid = databaseOid("cli_rej");

      Cli.Result started = Cli.run(with(plan, queue, "recover", "--incident", "REJ-1",
          "--scope", "database"));
      assertEquals(0, started.exitCode(), started.err());
      var wf = RecoveryRuns.existing(stack.temporal.client(), "REJ-1");
      Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(3));

      Cli.Result reject = Cli.run(with(plan, queue, "reject", "REJ-1", "--as", "alice",
          "--step", "database-swap", "--comment", "the live data is newer",
          "--key", stack.keys.key("alice").toString()));
      assertEquals(0, reject.exitCode(), reject.out() + reject.err());
      assertTrue(reject.out().contains("database-swap: REJECT by alice (level 1, signed with"),
          reject.out());

      RecoveryReport report = RecoveryRuns.result(stack.temporal.client(), "REJ-1");
      assertEquals(Outcome.ABORTED, report.outcome(), report.outcomeDetail());
      assertEquals(List.of(Verdict.REJECT),
          report.decisions().stream().map(d -> d.verdict()).toList());
      // not swapped: the same database (a swap renames another one into its place), same rows
      assertEquals(oid, databaseOid("cli_rej"), "the live database was replaced");
      try (Connection c = stack.pg.connect("cli_rej")) {
        assertEquals(live, DataFingerprint.database(c));
      }
      Cli.Result md = Cli.run(with(plan, queue, "report", "REJ-1"));
      assertEquals(0, md.exitCode(), md.err());
      assertTrue(md.out().contains("REJECT") && md.out().contains("the live data is newer"),
          md.out());

      // a decision for a run that has ended is not accepted
      Cli.Result late = Cli.run(with(plan, queue, "reject", "REJ-1", "--as", "bob",
          "--step", "database-swap", "--key", stack.keys.key("bob").toString()));
      assertEquals(1, late.exitCode(), late.out() + late.err());
    }
  }

  @Test
  void backupsVerifyOfACorruptedBackupSaysInvalidAndExits1() throws Exception {
    SampleApplication.createDatabase(stack.pg, "cli_corrupt", 1);
    stack.s3.createBucket("cli-corrupt");
    Path plan = Cli.planFile(stack.dir, "cli-corrupt", values("cli_corrupt", "cli-corrupt"));
    BackupResult backup;
    try (DrWorker worker = stack.worker(plan)) {
      backup = BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(),
          worker.taskQueue(), "test"));
    }
    Cli.Result valid = Cli.run(with(plan, null, "backups", "verify", backup.backupId()));
    assertEquals(0, valid.exitCode(), valid.out() + valid.err());
    assertTrue(valid.out().contains(backup.backupId() + " VALID"), valid.out());

    // one bit flipped in the stored dump, its size unchanged
    var s3 = stack.s3.client();
    byte[] data = s3.getObjectAsBytes(b -> b.bucket("cli-corrupt").key(backup.dataKey()))
        .asByteArray();
    data[data.length / 2] ^= 0x01;
    s3.putObject(b -> b.bucket("cli-corrupt").key(backup.dataKey()), RequestBody.fromBytes(data));

    Cli.Result invalid = Cli.run(with(plan, null, "backups", "verify", backup.backupId()));
    assertEquals(1, invalid.exitCode(), invalid.out() + invalid.err());
    assertTrue(invalid.out().contains(backup.backupId() + " INVALID"), invalid.out());
    assertTrue(invalid.out().contains("SHA-256 differs: the stored object is corrupt"),
        invalid.out());
  }

  @Test
  void schedulesApplyTwiceThenListShowsEachScheduleWithItsCron() throws Exception {
    // a namespace of its own: the schedule ids are fixed, ScheduleSyncTest has them in default
    String ns = "dr-sched-" + System.nanoTime();
    stack.temporal.service().blockingStub().registerNamespace(RegisterNamespaceRequest.newBuilder()
        .setNamespace(ns).setWorkflowExecutionRetentionPeriod(Durations.fromDays(1)).build());
    Path plan = Cli.planFile(stack.dir, "cli-sched", values("cli_sched", "cli-sched"));
    String[] list = with(plan, null, "schedules", "list", "--namespace", ns);
    Waits.await("namespace " + ns + " registered", Duration.ofMinutes(1), () -> {
      try {
        stack.temporal.service().blockingStub().describeNamespace(
            DescribeNamespaceRequest.newBuilder().setNamespace(ns).build());
        return true;
      } catch (io.grpc.StatusRuntimeException notYet) {
        return false;
      }
    });
    Cli.Result none = Cli.run(list);
    assertEquals(0, none.exitCode(), none.err());
    assertTrue(none.out().contains("(no schedules: run `dr schedules apply`)"), none.out());

    String[] apply = with(plan, "sched-queue", "schedules", "apply", "--namespace", ns);
    // a new namespace takes a moment to be known to every part of the server: the first apply
    // that gets through creates all three
    Cli.Result[] applied = new Cli.Result[1];
    Waits.await("dr schedules apply in " + ns, Duration.ofMinutes(1),
        () -> (applied[0] = Cli.run(apply)).exitCode() == 0);
    Cli.Result first = applied[0];
    Cli.Result second = Cli.run(apply);
    assertEquals(0, second.exitCode(), second.err());
    for (String[] row : List.of(new String[] {"dr-backup-database", "0 2 * * *"},
        new String[] {"dr-backup-files", "30 2 * * *"}, new String[] {"dr-retention", "0 4 * * *"})) {
      assertTrue(first.out().lines().anyMatch(l -> l.startsWith(row[0] + " ")
          && l.contains(" created ") && l.contains(row[1])), first.out());
      assertTrue(second.out().lines().anyMatch(l -> l.startsWith(row[0] + " ")
          && l.contains(" updated ") && l.contains(row[1])), second.out());
    }

    Cli.Result listed = Cli.run(list);
    assertEquals(0, listed.exitCode(), listed.err());
    // one line per schedule the plan asks for (database, files, retention, and the drill)
    assertEquals(first.out().lines().count(), listed.out().lines().count(), listed.out());
    for (String[] row : List.of(new String[] {"dr-backup-database", "0 2 \\* \\* \\*"},
        new String[] {"dr-backup-files", "30 2 \\* \\* \\*"},
        new String[] {"dr-retention", "0 4 \\* \\* \\*"})) {
      assertTrue(listed.out().lines().anyMatch(l -> l.matches(
          row[0] + " +cron=" + row[1] + " \\(UTC\\) paused=false next=\\S+ actions=0 last=-")),
          listed.out());
    }
    assertFalse(listed.out().contains("cron=[]"), listed.out());
    // the next run is the cron's: 02:00 UTC for the database backup
    String next = listed.out().lines().filter(l -> l.startsWith("dr-backup-database"))
        .findFirst().orElseThrow().replaceAll(".* next=(\\S+) .*", "$1");
    assertTrue(next.endsWith("T02:00:00Z"), next);
  }

  @Test
  void planRenderWritesThePlanFileAsTheDocument() throws Exception {
    Map<String, String> v = values("render_db", "render-bucket");
    Path plan = Cli.planFile(stack.dir, "cli-render", v);
    Files.writeString(plan, Files.readString(plan).replace("critical: 4h", "critical: 6h"));

    Cli.Result r = Cli.run("plan", "render", "--plan", plan.toString());
    assertEquals(0, r.exitCode(), r.err());
    for (String s : List.of("# Disaster Recovery Plan — AI Docs Assistant",
        "- Critical Systems: 6 hours", "- Non-Critical Systems: 24 hours",
        "PostgreSQL database `render_db` on `" + stack.pg.host() + ":" + stack.pg.port() + "`",
        "`s3://render-bucket/ai-docs-assistant/`", "daily at 02:00 UTC (cron `0 2 * * *`)",
        "| 1 | Infrastructure Team |")) {
      assertTrue(r.out().contains(s), s + " not in:\n" + r.out());
    }
  }

  @Test
  void temporalOrS3ThatCannotBeReachedExit4() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort(); // nothing listens there once closed
    }
    Path plan = Cli.planFile(stack.dir, "cli-unreach", values("cli_unreach", "cli-unreach"));
    for (String[] cmd : List.of(new String[] {"status", "X-1"},
        new String[] {"recoveries", "list"}, new String[] {"schedules", "list"},
        new String[] {"backup", "database"})) {
      List<String> args = new ArrayList<>(List.of(cmd));
      args.addAll(List.of("--plan", plan.toString(), "--address", "127.0.0.1:" + closed));
      Cli.Result r = Cli.run(args.toArray(String[]::new));
      assertEquals(4, r.exitCode(), String.join(" ", cmd) + ": " + r.out() + r.err());
      assertTrue(r.err().contains("Cannot reach Temporal at 127.0.0.1:" + closed), r.err());
    }

    Map<String, String> v = values("cli_unreach", "cli-unreach");
    v.put("DR_S3_ENDPOINT", "http://127.0.0.1:" + closed);
    Path noS3 = Cli.planFile(stack.dir, "cli-unreach-s3", v);
    for (String[] cmd : List.of(new String[] {"backups", "list"},
        new String[] {"backups", "verify", "db-20260101T000000Z-abcdef"},
        new String[] {"reports", "list"})) {
      Cli.Result r = Cli.run(with(noS3, null, cmd));
      assertEquals(4, r.exitCode(), String.join(" ", cmd) + ": " + r.out() + r.err());
      assertTrue(r.err().contains("S3 is unreachable") && r.err().contains("127.0.0.1:" + closed)
          && r.err().contains("storage.endpoint"), r.err());
    }
    Cli.Result init = Cli.run(with(noS3, null, "storage", "init"));
    assertEquals(4, init.exitCode(), init.out() + init.err());
    assertTrue(init.out().startsWith("bucket      UNREACHABLE"), init.out());
  }
}
