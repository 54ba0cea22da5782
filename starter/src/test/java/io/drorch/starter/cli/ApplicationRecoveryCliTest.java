package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.worker.DrWorker;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.DecisionKind;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.Verdict;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole `dr recover` of the README on the real stack, database, files and application: the
 * deploy hook (a real command), the env file from S3 written with mode 600, health until healthy,
 * the monitor window; `--as-of` choosing the older backup and `--incident-at` setting the RTO
 * deadline; `dr recover --follow` in its own process until the end. Then a failing deploy and an
 * unhealthy application: each a failed step answered through `dr decide` (RETRY, SKIP, ABORT), the
 * validator refusing APPROVE for a failed step and RETRY for a swap, all in the report.
 */
class ApplicationRecoveryCliTest {
  static TestStack stack;
  static Path dir;
  static HttpServer health;
  static final AtomicInteger healthy = new AtomicInteger();
  static final String ENV = "DATABASE_URL=postgres://docs:Sup3rS3cret@db/docs\n"
      + "OPENAI_API_KEY=sk-VERY-SECRET\nLOG_LEVEL=info\n";

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    dir = Files.createDirectories(stack.dir.resolve("app-rec"));
    System.setProperty("aws.accessKeyId", stack.s3.accessKey());
    System.setProperty("aws.secretAccessKey", stack.s3.secretKey());
    System.setProperty("aws.region", "us-east-1");
    // the application: healthy once deployed (by the hook), with users in its database and its
    // uploads directory in place, unless the test makes it sick
    health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    health.createContext("/health", ex -> {
      String problem = problem();
      if (problem == null) {
        healthy.incrementAndGet();
      }
      byte[] b = (problem == null ? "ok" : problem).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(problem == null ? 200 : 503, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    health.start();
  }

  @AfterAll
  static void stop() {
    health.stop(0);
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    System.clearProperty("aws.region");
  }

  private static String problem() {
    if (!Files.exists(dir.resolve("deployed"))) {
      return "not deployed";
    }
    if (Files.exists(dir.resolve("sick"))) {
      return "sick";
    }
    if (!Files.isDirectory(dir.resolve("uploads"))) {
      return "no uploads";
    }
    try (Connection c = stack.pg.connect("app_rec");
        ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM users")) {
      r.next();
      return r.getLong(1) > 0 ? null : "no users";
    } catch (Exception e) {
      return "database: " + e.getMessage();
    }
  }

  private String queue;
  private Path planFile;

  private String[] with(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--plan", planFile.toString(), "--address", stack.temporal.target(),
        "--task-queue", queue));
    return all.toArray(String[]::new);
  }

  private String key(String approver) {
    return stack.keys.key(approver).toString();
  }

  /** The example plan with a real deploy command, env file, health URL and short windows. */
  private Path plan() throws Exception {
    Path deploy = dir.resolve("deploy.sh");
    Files.writeString(deploy, "#!/bin/sh\n"
        + "echo \"$DR_INCIDENT_ID $*\" >> " + dir.resolve("deploys.log") + "\n"
        + "if [ -e " + dir.resolve("fail-deploy") + " ]; then echo 'registry unreachable' >&2;"
        + " exit 7; fi\n"
        + "touch " + dir.resolve("deployed") + "\necho deployed version \"$2\"\n");
    deploy.toFile().setExecutable(true);
    Map<String, String> v = new HashMap<>();
    v.put("DR_DB_HOST", stack.pg.host());
    v.put("DR_DB_PORT", String.valueOf(stack.pg.port()));
    v.put("DR_DB_NAME", "app_rec");
    v.put("DR_DB_USER", stack.pg.superuser());
    v.put("DR_DB_MIGRATIONS", "filesystem:" + SampleApplication.migrationsDir());
    v.put("DR_UPLOADS_DIR", dir.resolve("uploads").toString());
    v.put("DR_S3_BUCKET", "app-rec");
    v.put("DR_S3_ENDPOINT", stack.s3.endpoint());
    v.put("DR_S3_PATH_STYLE", "true");
    v.put("DR_ALLOWED_SIGNERS", stack.allowedSigners.toString());
    v.put("DR_APP_HEALTH_URL", "http://127.0.0.1:" + health.getAddress().getPort() + "/health");
    v.put("DR_APP_MONITOR_WINDOW", "12s");
    Path file = Cli.planFile(dir, "app-rec", v);
    String yaml = Files.readString(file);
    String edited = yaml
        .replace("command: [\"/opt/ai-docs/deploy.sh\", \"--version\", \"latest\"]",
            "command: [\"" + deploy + "\", \"--version\", \"latest\"]")
        .replace("to: /etc/ai-docs/app.env", "to: " + dir.resolve("etc/app.env"))
        .replace("timeout: 5m              # give up", "timeout: 15s             # give up")
        .replace("work-dir: /var/tmp/dr-orchestrator", "work-dir: " + dir.resolve("work"));
    for (String part : List.of(deploy.toString(), "etc/app.env", "timeout: 15s", "work-dir: " + dir)) {
      assertTrue(edited.contains(part), "dr-plan.yaml changed: " + part + " not placed");
    }
    Files.writeString(file, edited);
    return file;
  }

  @Test
  void fullRecoveryThroughDrRecoverThenFailedStepsAnsweredThroughDrDecide() throws Exception {
    SampleApplication.createDatabase(stack.pg, "app_rec", 1);
    SampleApplication.createUploads(dir.resolve("uploads"), 20);
    stack.s3.createBucket("app-rec");
    stack.s3.client().putObject(b -> b.bucket("app-rec").key("ai-docs-assistant/config/ai-docs.env"),
        software.amazon.awssdk.core.sync.RequestBody.fromString(ENV, StandardCharsets.UTF_8));
    Files.createDirectories(dir.resolve("etc"));
    Files.writeString(dir.resolve("etc/app.env"), "OLD=1\n");
    Files.setPosixFilePermissions(dir.resolve("etc/app.env"),
        PosixFilePermissions.fromString("rw-r--r--"));
    planFile = plan();
    try (DrWorker worker = stack.worker(planFile)) {
      queue = worker.taskQueue();
      fullRecovery();
      failedSteps();
    }
  }

  private void fullRecovery() throws Exception {
    var client = stack.temporal.client();
    BackupRuns.await(BackupRuns.startFiles(client, queue, "test"));
    BackupResult first = BackupRuns.await(BackupRuns.startDatabase(client, queue, "test"));
    Map<String, DataFingerprint.Table> atFirst;
    try (Connection c = stack.pg.connect("app_rec")) {
      atFirst = DataFingerprint.database(c);
    }
    var files = DataFingerprint.tree(dir.resolve("uploads"));
    // a later backup of changed data: --as-of between the two restores the first
    Instant asOf = first.finishedAt().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    try (Connection c = stack.pg.connect("app_rec")) {
      c.createStatement().execute("DELETE FROM messages WHERE id % 2 = 0");
    }
    Waits.await("a time after --as-of", Duration.ofSeconds(10),
        () -> Instant.now().isAfter(asOf.plusMillis(10)));
    BackupResult second = BackupRuns.await(BackupRuns.startDatabase(client, queue, "test"));
    assertTrue(second.startedAt().isAfter(asOf), second.startedAt() + " vs " + asOf);

    // the disaster: data gone, the application down
    stack.pg.dropDatabase("app_rec");
    TestStack.deleteTree(dir.resolve("uploads"));
    Files.deleteIfExists(dir.resolve("deployed"));

    Instant incidentAt = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS);
    Path followed = dir.resolve("follow.out");
    Process follower = dr(followed, "recover", "--incident", "APP-1", "--scope",
        "database,files,application", "--as-of", asOf.toString(), "--incident-at",
        incidentAt.toString(), "--follow");

    var wf = awaitRun("APP-1");
    PendingDecision swap = Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(3));
    assertEquals(first.backupId(), swap.backupId(), "--as-of chose the older backup");
    var status = wf.status();
    assertEquals(incidentAt.plus(Duration.ofHours(4)), status.rtoDeadline(),
        "the RTO (critical: 4 h) counts from --incident-at");

    // the validator: a swap takes APPROVE or REJECT, never RETRY
    Cli.Result retrySwap = Cli.run(with("decide", "APP-1", "--as", "alice", "--verdict",
        "retry", "--step", "database-swap", "--key", key("alice")));
    assertEquals(1, retrySwap.exitCode(), retrySwap.out());
    assertTrue(retrySwap.err().contains("needs APPROVE or REJECT, not RETRY"), retrySwap.err());

    Cli.Result db = Cli.run(with("approve", "APP-1", "--as", "alice", "--step", "database-swap",
        "--key", key("alice")));
    assertEquals(0, db.exitCode(), db.err());
    Waits.pending(wf, "files-swap", 0, Duration.ofMinutes(3));
    Cli.Result fs = Cli.run(with("approve", "APP-1", "--as", "bob", "--step", "files-swap",
        "--key", key("bob")));
    assertEquals(0, fs.exitCode(), fs.err());

    assertTrue(follower.waitFor(5, TimeUnit.MINUTES), "dr recover --follow never ended: "
        + Files.readString(followed));
    String out = Files.readString(followed);
    assertEquals(0, follower.exitValue(), out);
    assertTrue(out.contains("started recovery-APP-1"), out);
    assertTrue(out.contains("following recovery-APP-1 until it ends"), out);
    for (String step : List.of("app-deploy", "app-environment", "app-health", "app-monitor")) {
      assertTrue(out.contains(step), step + " not followed:\n" + out);
    }
    assertTrue(out.contains("RECOVERED"), out);

    RecoveryReport report = RecoveryRuns.result(stack.temporal.client(), "APP-1");
    assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
    assertEquals(incidentAt, report.incidentAt());
    var dbUsed = report.backups().stream().filter(b -> b.backupId().startsWith("db-")).findFirst()
        .orElseThrow();
    assertEquals(first.backupId(), dbUsed.backupId());
    assertEquals(Duration.between(first.startedAt(), incidentAt).getSeconds(),
        report.rpoAchieved().get("database").getSeconds(), 1, "RPO from the backup to the incident");
    // the data: the first backup's database, the files as they were
    try (Connection c = stack.pg.connect("app_rec")) {
      assertEquals(atFirst, DataFingerprint.databaseLike(c, atFirst));
    }
    assertEquals(files, DataFingerprint.tree(dir.resolve("uploads")));
    // the deploy hook ran for this incident, with its arguments
    assertEquals(List.of("APP-1 --version latest"), Files.readAllLines(dir.resolve("deploys.log")));
    // the env file from S3, mode 600; only names in the report
    Path env = dir.resolve("etc/app.env");
    assertEquals(ENV, Files.readString(env));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
    String application = report.timeline().stream().map(Object::toString)
        .reduce("", String::concat);
    assertFalse(application.contains("Sup3rS3cret") || application.contains("sk-VERY-SECRET"),
        application);
    // healthy, then checked again and again through the monitor window
    assertTrue(healthy.get() >= 3, "healthy answers: " + healthy.get());
    Cli.Result md = Cli.run(with("report", "APP-1"));
    assertEquals(0, md.exitCode(), md.err());
    for (String s : List.of("deployed (outcome 0)", "environment restored to " + env,
        "OPENAI_API_KEY", "healthy after", "stayed healthy for the monitor window")) {
      assertTrue(md.out().contains(s), s + " not in the report:\n" + md.out());
    }
    assertFalse(md.out().contains("sk-VERY-SECRET"), md.out());
  }

  /** A deploy that fails, then an application that never gets healthy: humans decide. */
  private void failedSteps() throws Exception {
    Files.deleteIfExists(dir.resolve("deployed"));
    Files.writeString(dir.resolve("fail-deploy"), "");
    Files.writeString(dir.resolve("sick"), "");
    Cli.Result started = Cli.run(with("recover", "--incident", "APP-2", "--scope", "application"));
    assertEquals(0, started.exitCode(), started.err());
    var wf = awaitRun("APP-2");

    PendingDecision deployFailed = Waits.pending(wf, null, 0, Duration.ofMinutes(2));
    assertEquals(DecisionKind.STEP_FAILED, deployFailed.kind());
    assertTrue(deployFailed.step().startsWith("app-deploy"), deployFailed.step());
    assertTrue(deployFailed.description().contains("registry unreachable"),
        deployFailed.description());
    Cli.Result approve = Cli.run(with("approve", "APP-2", "--as", "alice", "--key", key("alice")));
    assertEquals(1, approve.exitCode(), approve.out());
    assertTrue(approve.err().contains("needs RETRY, SKIP or ABORT, not APPROVE"), approve.err());

    Files.delete(dir.resolve("fail-deploy"));
    Cli.Result retry = Cli.run(with("decide", "APP-2", "--as", "alice", "--verdict", "retry",
        "--comment", "registry is back", "--key", key("alice")));
    assertEquals(0, retry.exitCode(), retry.err());

    PendingDecision unhealthy = awaitOtherPending(wf, deployFailed.step());
    assertTrue(unhealthy.step().startsWith("app-health"), unhealthy.step());
    assertTrue(unhealthy.description().contains("last status 503 (expected 200)"),
        unhealthy.description());
    Cli.Result skip = Cli.run(with("decide", "APP-2", "--as", "bob", "--verdict", "skip",
        "--comment", "checking by hand", "--key", key("bob")));
    assertEquals(0, skip.exitCode(), skip.err());

    PendingDecision monitorFailed = awaitOtherPending(wf, unhealthy.step());
    assertTrue(monitorFailed.step().startsWith("app-monitor"), monitorFailed.step());
    Cli.Result abort = Cli.run(with("decide", "APP-2", "--as", "alice", "--verdict", "abort",
        "--comment", "roll back by hand", "--key", key("alice")));
    assertEquals(0, abort.exitCode(), abort.err());

    RecoveryReport report = RecoveryRuns.result(stack.temporal.client(), "APP-2");
    assertNotEquals(Outcome.RECOVERED, report.outcome());
    assertEquals(List.of(Verdict.RETRY, Verdict.SKIP, Verdict.ABORT),
        report.decisions().stream().map(d -> d.verdict()).toList(), report.decisions().toString());
    assertEquals(List.of("alice", "bob", "alice"),
        report.decisions().stream().map(d -> d.approver()).toList());
    assertEquals(List.of("APP-1 --version latest", "APP-2 --version latest",
        "APP-2 --version latest"), Files.readAllLines(dir.resolve("deploys.log")),
        "the failed deploy and the retry the human asked for");
    Cli.Result md = Cli.run(with("report", "APP-2"));
    assertEquals(0, md.exitCode(), md.err());
    for (String s : List.of("RETRY", "registry is back", "SKIP", "checking by hand", "ABORT",
        "roll back by hand")) {
      assertTrue(md.out().contains(s), s + " not in the report:\n" + md.out());
    }
    Files.delete(dir.resolve("sick"));
  }

  private PendingDecision awaitOtherPending(
      io.drorch.workflows.recovery.RecoveryWorkflow wf, String notStep) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      for (PendingDecision p : wf.status().pending()) {
        if (!p.step().equals(notStep)) {
          assertEquals(DecisionKind.STEP_FAILED, p.kind(), p.toString());
          return p;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no further decision became pending: " + wf.status());
  }

  private io.drorch.workflows.recovery.RecoveryWorkflow awaitRun(String incident)
      throws Exception {
    Waits.await("recovery-" + incident + " started", Duration.ofMinutes(1),
        () -> RecoveryRuns.describe(stack.temporal.client(), incident).isPresent());
    return RecoveryRuns.existing(stack.temporal.client(), incident);
  }

  /** `dr ARGS` in its own process (as an operator runs it), output to {@code out}. */
  private Process dr(Path out, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx192m", "-cp",
        System.getProperty("java.class.path"), DrCommand.class.getName()));
    command.addAll(List.of(with(args)));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    pb.environment().put("NO_COLOR", "1");
    return pb.start();
  }
}
