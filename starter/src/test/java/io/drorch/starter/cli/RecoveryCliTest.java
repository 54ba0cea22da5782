package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.worker.DrWorker;
import java.nio.file.Files;
import io.drorch.activities.plan.PlanLoader;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `dr recover | status [--json] | approve | report` against the real stack, with the example plan
 * (`dr recover --follow` runs in ApplicationRecoveryCliTest; `status --follow` in StatusFollowTest).
 */
class RecoveryCliTest {
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

  private String queue;

  private String[] with(Path plan, String... args) {
    String[] all = new String[args.length + 6];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--plan";
    all[args.length + 1] = plan.toString();
    all[args.length + 2] = "--address";
    all[args.length + 3] = stack.temporal.target();
    all[args.length + 4] = "--task-queue";
    all[args.length + 5] = queue;
    return all;
  }

  private String key(String approver) {
    return stack.keys.key(approver).toString();
  }

  @Test
  void recoverStatusApproveAndReport() throws Exception {
    SampleApplication.createDatabase(stack.pg, "cli_rec", 1);
    Path uploads = stack.dir.resolve("cli-rec-uploads");
    SampleApplication.createUploads(uploads, 20);
    stack.s3.createBucket("cli-rec");
    Map<String, String> v = new HashMap<>();
    v.put("DR_DB_HOST", stack.pg.host());
    v.put("DR_DB_PORT", String.valueOf(stack.pg.port()));
    v.put("DR_DB_NAME", "cli_rec");
    v.put("DR_DB_USER", stack.pg.superuser());
    v.put("DR_DB_MIGRATIONS", "filesystem:" + SampleApplication.migrationsDir());
    v.put("DR_UPLOADS_DIR", uploads.toString());
    v.put("DR_S3_BUCKET", "cli-rec");
    v.put("DR_S3_ENDPOINT", stack.s3.endpoint());
    v.put("DR_S3_PATH_STYLE", "true");
    v.put("DR_ALLOWED_SIGNERS", stack.allowedSigners.toString());
    Path planFile = Cli.planFile(stack.dir, "cli-rec", v);
    try (DrWorker worker = stack.worker(planFile)) {
      queue = worker.taskQueue();
      recoverStatusApproveAndReport(planFile, worker.plan().sha256());
    }
  }

  private void recoverStatusApproveAndReport(Path planFile, String planSha)
      throws Exception {
    BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), queue, "test"));
    BackupRuns.await(BackupRuns.startFiles(stack.temporal.client(), queue, "test"));

    Cli.Result started = Cli.run(with(planFile, "recover", "--incident", "CLI-1", "--scope",
        "database,files", "--tier", "non-critical"));
    assertEquals(0, started.exitCode(), started.err());

    Cli.Result status = awaitStatus(planFile, "waiting: database-swap");
    assertTrue(status.out().contains("level 1 Infrastructure Team"), status.out());
    assertTrue(status.out().contains("h ") && status.out().contains("min left"), status.out());
    assertTrue(status.out().contains("plan sha256 " + planSha + " (the worker's)"), status.out());
    assertTrue(status.out().contains("  about backup db-"), status.out());
    assertEquals("", status.err(), "the same plan file: no warning");
    Cli.Result json = Cli.run(with(planFile, "status", "CLI-1", "--json"));
    assertEquals(0, json.exitCode(), json.err());
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
    assertEquals("CLI-1", tree.get("incidentId").asText(), json.out());
    assertEquals("recovery-CLI-1", tree.get("workflowId").asText(), json.out());
    assertEquals(planSha, tree.get("planSha256").asText(), json.out());
    assertTrue(tree.get("runId").asText().length() > 10, json.out());
    assertTrue(tree.path("outcome").isNull() || tree.path("outcome").isMissingNode(), json.out());
    assertTrue(tree.get("secondsLeftToRto").asLong() > 0, json.out());
    // the files swap may be waiting too (database and files are recovered in parallel)
    com.fasterxml.jackson.databind.JsonNode swap = null;
    for (var p : tree.get("pending")) {
      swap = p.get("step").asText().equals("database-swap") ? p : swap;
    }
    assertTrue(swap != null, json.out());
    assertEquals("DESTRUCTIVE_STEP", swap.get("kind").asText());
    assertEquals(1, swap.get("level").asInt());
    assertEquals(List.of("alice", "bob"), List.of(swap.get("approvers").get(0).asText(),
        swap.get("approvers").get(1).asText()));
    assertTrue(swap.get("backupId").asText().startsWith("db-"), json.out());
    assertEquals(64, swap.get("copyFingerprint").asText().length(), json.out());
    Path otherPlan = stack.dir.resolve("cli-rec-edited.yaml");
    Files.writeString(otherPlan, Files.readString(planFile) + "\n# edited\n");
    Cli.Result warned = Cli.run(with(otherPlan, "status", "CLI-1"));
    assertEquals(0, warned.exitCode(), warned.err());
    assertTrue(warned.err().contains("warning: your plan file " + otherPlan)
        && warned.err().contains("is not the plan the worker runs this recovery on (sha256 "
            + planSha + ")"), warned.err());

    Cli.Result notYet = Cli.run(with(planFile, "report", "CLI-1"));
    assertEquals(1, notYet.exitCode());
    assertTrue(notYet.err().contains("still running"), notYet.err());

    Cli.Result stranger = Cli.run(with(planFile, "approve", "CLI-1", "--as", "mallory",
        "--step", "database-swap", "--key", key("alice")));
    assertEquals(1, stranger.exitCode());
    assertTrue(stranger.err().contains("unknown approver 'mallory'"), stranger.err());

    Cli.Result db = Cli.run(with(planFile, "approve", "CLI-1", "--as", "alice", "--step",
        "database-swap", "--comment", "checked the restored copy", "--key", key("alice")));
    assertEquals(0, db.exitCode(), db.err());
    assertTrue(db.out().contains("database-swap: APPROVE by alice (level 1, signed with SHA256:"),
        db.out());
    awaitStatus(planFile, "waiting: files-swap");
    Cli.Result files = Cli.run(with(planFile, "approve", "CLI-1", "--as", "bob", "--key",
        key("bob")));
    assertEquals(0, files.exitCode(), files.err());

    Cli.Result report = awaitReport(planFile);
    assertTrue(report.out().contains("# Recovery report CLI-1"), report.out());
    assertTrue(report.out().contains("RECOVERED"), report.out());
    assertTrue(report.out().contains("checked the restored copy"), report.out());

    // Temporal's retention removes the run (here: deleted at once); the report stays in S3
    stack.temporal.service().blockingStub().deleteWorkflowExecution(
        DeleteWorkflowExecutionRequest.newBuilder().setNamespace(stack.temporal.namespace())
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("recovery-CLI-1"))
            .build());
    Waits.await("recovery-CLI-1 deleted", Duration.ofMinutes(1),
        () -> RecoveryRuns.describe(stack.temporal.client(), "CLI-1").isEmpty());
    Cli.Result fromS3 = Cli.run(with(planFile, "report", "CLI-1"));
    assertEquals(0, fromS3.exitCode(), fromS3.err());
    assertTrue(fromS3.err().contains("Temporal has no run recovery-CLI-1")
        && fromS3.err().contains("s3://cli-rec/ai-docs-assistant/reports/CLI-1/"), fromS3.err());
    // the same report, stored just before the run's last steps (its end time and its last
    // notification differ from the run's result by those seconds)
    for (String line : report.out().lines().filter(l -> l.startsWith("# Recovery report")
        || l.startsWith("> ") || l.startsWith("| **") && !l.contains("Finished")
        || l.startsWith("| database-swap | alice")).toList()) {
      assertTrue(fromS3.out().contains(line), line + " not in\n" + fromS3.out());
    }
    assertTrue(fromS3.out().contains("Stored as `ai-docs-assistant/reports/CLI-1/recovery-report.md`"),
        fromS3.out());

    Cli.Result list = Cli.run(with(planFile, "reports", "list"));
    assertEquals(0, list.exitCode(), list.err());
    String row = list.out().lines().filter(l -> l.startsWith("CLI-1 ")).findFirst().orElseThrow(
        () -> new AssertionError("no CLI-1 row in\n" + list.out()));
    assertTrue(row.contains("RECOVERED")
        && row.contains("(1d)") && row.contains("database ") && row.contains("(1h)"), row);

    Cli.Result never = Cli.run(with(planFile, "report", "NEVER-1"));
    assertEquals(1, never.exitCode(), never.out());
    assertTrue(never.err().contains("no report in s3://cli-rec/ai-docs-assistant/reports/NEVER-1/"),
        never.err());
  }

  private Cli.Result awaitStatus(Path plan, String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    Cli.Result r = null;
    while (System.nanoTime() < deadline) {
      r = Cli.run(with(plan, "status", "CLI-1"));
      if (r.out().contains(text)) {
        return r;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("status never showed '" + text + "': " + (r == null ? "" : r.out()));
  }

  private Cli.Result awaitReport(Path plan) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    Cli.Result r = null;
    while (System.nanoTime() < deadline) {
      r = Cli.run(with(plan, "report", "CLI-1"));
      if (r.exitCode() == 0) {
        return r;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("no report: " + (r == null ? "" : r.err()));
  }
}
