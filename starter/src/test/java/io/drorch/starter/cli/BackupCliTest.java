package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.worker.DrWorker;
import io.drorch.workflows.contracts.plan.StorageTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `dr` end to end against the real stack: the happy path and the bad inputs of the backups issue.
 * Every bad input gives one clear error and leaves nothing that is listed as valid.
 */
class BackupCliTest {
  static TestStack stack;
  static Path uploads;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    SampleApplication.createDatabase(stack.pg, "cli_app", 1);
    uploads = stack.dir.resolve("cli-uploads");
    SampleApplication.createUploads(uploads, 30);
    // the CLI reads S3 with the default credential chain: system properties are part of it
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

  private Map<String, String> values(String bucket) {
    Map<String, String> v = new HashMap<>();
    v.put("DR_DB_HOST", stack.pg.host());
    v.put("DR_DB_PORT", String.valueOf(stack.pg.port()));
    v.put("DR_DB_NAME", "cli_app");
    v.put("DR_DB_USER", stack.pg.superuser());
    v.put("DR_UPLOADS_DIR", uploads.toString());
    v.put("DR_S3_BUCKET", bucket);
    v.put("DR_S3_ENDPOINT", stack.s3.endpoint());
    v.put("DR_S3_PATH_STYLE", "true");
    v.put("DR_ALLOWED_SIGNERS", stack.allowedSigners.toString());
    return v;
  }

  private Path plan(String name, Map<String, String> values) throws Exception {
    return Cli.planFile(stack.dir, name, values);
  }

  private String[] with(Path plan, String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--plan";
    all[args.length + 1] = plan.toString();
    all[args.length + 2] = "--address";
    all[args.length + 3] = stack.temporal.target();
    return all;
  }

  /** `dr ARGS` against a worker bound to {@code plan}, on its own task queue. */
  private Cli.Result withWorker(Path plan, String... args) {
    try (DrWorker worker = stack.worker(plan)) {
      String[] all = java.util.Arrays.copyOf(args, args.length + 2);
      all[args.length] = "--task-queue";
      all[args.length + 1] = worker.taskQueue();
      return Cli.run(with(plan, all));
    }
  }

  /** Valid backups in the bucket; any S3 error fails the test (it must not read as "none"). */
  private long validBackups(String bucket) {
    StorageTarget st = new StorageTarget(bucket, "ai-docs-assistant", "us-east-1",
        stack.s3.endpoint(), true, 30, true, 30);
    return StorageActivitiesImpl.catalog(stack.clients.store(st)).backups().stream()
        .filter(b -> b.valid()).count();
  }

  private boolean bucketExists(String bucket) {
    try {
      stack.s3.client().headBucket(b -> b.bucket(bucket));
      return true;
    } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
      return false;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** The outcome column of `dr storage init`'s line for {@code step}. */
  private static String outcome(String out, String step) {
    return out.lines().filter(l -> l.startsWith(step + " ")).findFirst()
        .map(l -> l.substring(11).strip().split("\\s+")[0])
        .orElseThrow(() -> new AssertionError("no line for " + step + ": " + out));
  }

  @Test
  void storageInitThenBothBackupsThenListAndVerify() throws Exception {
    Path plan = plan("happy", values("cli-happy"));

    assertTrue(!bucketExists("cli-happy"));
    Cli.Result init = Cli.run(with(plan, "storage", "init"));
    assertEquals(0, init.exitCode(), init.out() + init.err());
    assertEquals("DONE", outcome(init.out(), "bucket"), init.out());
    assertTrue(bucketExists("cli-happy"), "storage init made no bucket");
    // read back what the server now holds, not what init said
    var client = stack.s3.client();
    if (stack.s3.supportsVersioning()) {
      assertEquals("DONE", outcome(init.out(), "versioning"), init.out());
      assertEquals(software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED,
          client.getBucketVersioning(b -> b.bucket("cli-happy")).status());
    } else {
      assertEquals("UNSUPPORTED", outcome(init.out(), "versioning"), init.out());
    }
    if (outcome(init.out(), "lifecycle").equals("DONE")) {
      var rule = client.getBucketLifecycleConfiguration(b -> b.bucket("cli-happy")).rules().get(0);
      assertEquals("dr-orchestrator-backups", rule.id());
      assertEquals(30, rule.noncurrentVersionExpiration().noncurrentDays());
    } else { // S3Proxy has no lifecycle API: init must say so (moto: StorageInitObjectLockTest)
      assertEquals("UNSUPPORTED", outcome(init.out(), "lifecycle"), init.out());
      assertTrue(init.out().contains("does not implement lifecycle"), init.out());
    }
    Cli.Result again = Cli.run(with(plan, "storage", "init"));
    assertEquals(0, again.exitCode(), again.out() + again.err());
    assertEquals("ALREADY", outcome(again.out(), "bucket"), again.out());

    Cli.Result db = withWorker(plan, "backup", "database", "--wait");
    assertEquals(0, db.exitCode(), db.err());
    Cli.Result files = withWorker(plan, "backup", "files", "--wait");
    assertEquals(0, files.exitCode(), files.err());

    Cli.Result list = Cli.run(with(plan, "backups", "list", "--json"));
    assertEquals(0, list.exitCode(), list.err());
    assertTrue(list.out().contains("\"valid\" : true"), list.out());
    assertEquals(2, validBackups("cli-happy"));

    String dbId = db.out().replaceAll("(?s).*backup (db-[0-9TZ]+-[0-9a-f]+) committed.*", "$1");
    Cli.Result verify = Cli.run(with(plan, "backups", "verify", dbId));
    assertEquals(0, verify.exitCode(), verify.out() + verify.err());
    assertTrue(verify.out().contains("VALID"), verify.out());

    Cli.Result table = Cli.run(with(plan, "backups", "list", "--kind", "FILES"));
    assertTrue(table.out().contains("files-") && !table.out().contains("db-"), table.out());
  }

  @Test
  void invalidPlanListsEveryProblemAndExits3() throws Exception {
    Path bad = stack.dir.resolve("bad-plan.yaml");
    Files.writeString(bad, Files.readString(plan("tmp", values("x-bucket")))
        .replace("retention-days: 30", "retention-days: -1")
        .replace("timeout: 30m", "timeout: soon"));

    Cli.Result r = Cli.run(with(bad, "plan", "validate"));

    assertEquals(3, r.exitCode(), r.out() + r.err());
    assertTrue(r.err().contains("storage.retention-days"), r.err());
    assertTrue(r.err().contains("escalation[0].timeout"), r.err());
  }

  @Test
  void missingPlanFileNamesThePathAndExits3() {
    Cli.Result r = Cli.run("plan", "validate", "--plan", "/nonexistent/dr-plan.yaml");
    assertEquals(3, r.exitCode());
    assertTrue(r.err().contains("/nonexistent/dr-plan.yaml"), r.err());
  }

  @Test
  void missingBucketFailsClearlyAndCommitsNothing() throws Exception {
    Path plan = plan("nobucket", values("no-such-bucket"));
    Cli.Result r = withWorker(plan, "backup", "database", "--wait");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("BUCKET_MISSING") && r.err().contains("dr storage init"), r.err());
    assertTrue(!bucketExists("no-such-bucket"), "the failed backup created the bucket");
  }

  @Test
  void missingUploadsDirectoryFailsClearlyAndCommitsNothing() throws Exception {
    stack.s3.createBucket("cli-nouploads");
    Map<String, String> v = values("cli-nouploads");
    v.put("DR_UPLOADS_DIR", "/nonexistent/uploads");
    Cli.Result r = withWorker(plan("nouploads", v), "backup", "files", "--wait");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("UPLOADS_DIR_MISSING") && r.err().contains("/nonexistent/uploads"),
        r.err());
    assertEquals(0, validBackups("cli-nouploads"));
  }

  @Test
  void wrongPasswordFailsAtOnceWithAnAuthError() throws Exception {
    try (Connection c = stack.pg.connect("postgres")) {
      c.createStatement().execute(
          "DO $$ BEGIN CREATE ROLE app_reader LOGIN PASSWORD 'not-the-workers'; "
              + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    }
    stack.s3.createBucket("cli-wrongpw");
    Map<String, String> v = values("cli-wrongpw");
    v.put("DR_DB_USER", "app_reader");
    Cli.Result r = withWorker(plan("wrongpw", v), "backup", "database", "--wait");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("DATABASE_AUTH"), r.err());
    assertTrue(r.err().contains("PGPASSWORD"), r.err());
    assertEquals(0, validBackups("cli-wrongpw"));
  }

  @Test
  void unreachableDatabaseIsRetriedThenFailsClearly() throws Exception {
    stack.s3.createBucket("cli-unreachable");
    Map<String, String> v = values("cli-unreachable");
    v.put("DR_DB_PORT", "1"); // nothing listens on port 1
    Path plan = plan("unreachable", v);
    Cli.Result r;
    String queue;
    try (DrWorker worker = stack.worker(plan)) {
      queue = worker.taskQueue();
      r = Cli.run(with(plan, "backup", "database", "--wait", "--task-queue", queue));
    }
    assertEquals(4, r.exitCode(), "PostgreSQL unreachable: exit 4 (README): " + r.err());
    assertTrue(r.err().contains("DATABASE_UNREACHABLE") && r.err().contains(":1"), r.err());
    assertEquals(0, validBackups("cli-unreachable"));
    // retried by the activity's retry policy before failing: the history's last attempt > 1
    var client = stack.temporal.client();
    String query = "TaskQueue = '" + queue + "'";
    io.drorch.starter.Waits.await("the backup run listed (visibility is eventually consistent)",
        java.time.Duration.ofMinutes(1), () -> client.listExecutions(query).findAny().isPresent());
    var runs = client.listExecutions(query).toList();
    assertEquals(1, runs.size(), runs.toString());
    var history = client.fetchHistory(runs.get(0).getExecution().getWorkflowId());
    int attempts = history.getEvents().stream()
        .filter(e -> e.hasActivityTaskStartedEventAttributes())
        .mapToInt(e -> e.getActivityTaskStartedEventAttributes().getAttempt()).max().orElse(0);
    assertTrue(attempts > 1, "the unreachable database was tried " + attempts + " time(s)");
  }
}
