package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.SampleApplication;
import io.drorch.starter.DrProcess;
import io.drorch.starter.TestStack;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.recovery.Names;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `dr cleanup INC`: lists what a recovery kept, removes it only after confirmation, never touches
 * the live data or a look-alike incident's copies, leaves a database whose restore still runs,
 * and refuses while the recovery runs and until recovery.keep-copies after it ended.
 */
class CleanupCliTest {
  static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
  }

  @Test
  void removesTheKeptCopiesOfOneIncidentAfterConfirmationOnly() throws Exception {
    SampleApplication.createDatabase(stack.pg, "cl_app", 1);
    Path uploads = stack.dir.resolve("cl-uploads");
    SampleApplication.createUploads(uploads, 3);
    Path work = stack.dir.resolve("work-cl");
    DrPlan plan = stack.plan(new DatabaseTarget(stack.pg.host(), stack.pg.port(), "cl_app",
            stack.pg.superuser(), null, "gzip"), new FilesTarget(uploads.toString()),
        stack.storage("cl-app")).withRecovery(new RecoverySettings(work.toString(), 2, List.of(),
            OnUnanswered.REMIND, Duration.ofHours(1), null, Duration.ofDays(7)));
    Path planFile = stack.planFile(plan, "cl_app");

    String pre = Names.database("cl_app", "_pre_", "CL-1");
    String restoreRunning = Names.database("cl_app", "_restore_", "CL-1") + "_a2";
    String lookAlike = Names.database("cl_app", "_pre_", "cl_1");
    for (String db : List.of(pre, restoreRunning, lookAlike)) {
      stack.pg.dropDatabase(db);
      sql("CREATE DATABASE " + db);
    }
    Path preDir = Path.of(Names.directory(uploads.toString(), ".pre-", "CL-1"));
    Path staging = Path.of(Names.directory(uploads.toString(), ".restore-", "CL-1") + ".a1");
    Path otherDir = Path.of(Names.directory(uploads.toString(), ".pre-", "CL-10"));
    for (Path d : List.of(preDir, staging, otherDir)) {
      Files.createDirectories(d.resolve("x"));
      Files.writeString(d.resolve("x/file.txt"), "kept");
    }
    Path downloads = work.resolve("CL-1");
    Files.createDirectories(downloads);
    Files.writeString(downloads.resolve("db-1.dump.gz"), "dump");

    Map<String, String> env = Map.of("PGPASSWORD", stack.pg.password());
    String[] args = {"cleanup", "CL-1", "--plan", planFile.toString(), "--address",
        stack.temporal.target()};

    // no confirmation (stdin closed): nothing removed
    DrProcess.Result asked = DrProcess.run(env, Duration.ofMinutes(2), args);
    assertEquals(1, asked.exitCode(), asked.toString());
    assertTrue(asked.out().contains(pre) && asked.out().contains(staging.toString())
        && asked.out().contains(downloads.toString()), asked.toString());
    assertFalse(asked.out().contains(lookAlike) || asked.out().contains(otherDir.toString()),
        asked.toString());
    assertTrue(asked.out().contains("Nothing removed."), asked.toString());
    assertTrue(exists(pre) && Files.exists(preDir) && Files.exists(downloads));

    // --yes, while a restore still holds its database's fence: that one is left
    try (Connection holder = stack.pg.connect("postgres");
        PreparedStatement ps = holder.prepareStatement(
            "SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
      ps.setString(1, "dr-orchestrator:" + restoreRunning);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next() && rs.getBoolean(1));
      }
      DrProcess.Result yes = DrProcess.run(env, Duration.ofMinutes(2), concat(args, "--yes"));
      assertEquals(1, yes.exitCode(), yes.toString());
      assertTrue(yes.err().contains(restoreRunning + ": a restore into it is still running"),
          yes.toString());
      assertTrue(exists(restoreRunning));
    }
    assertFalse(exists(pre));
    assertFalse(Files.exists(preDir) || Files.exists(staging) || Files.exists(downloads));
    assertTrue(exists("cl_app") && exists(lookAlike) && Files.exists(otherDir)
        && Files.exists(uploads), "the live data and another incident's copies stay");

    DrProcess.Result again = DrProcess.run(env, Duration.ofMinutes(2), concat(args, "--yes"));
    assertEquals(0, again.exitCode(), again.toString());
    assertFalse(exists(restoreRunning));
  }

  @Test
  void refusesWhileTheRecoveryRunsAndUntilKeepCopiesAfterItEnded() throws Exception {
    Path planFile = stack.planFile(stack.plan(new DatabaseTarget(stack.pg.host(),
            stack.pg.port(), "cl_app2", stack.pg.superuser(), null, "gzip"),
        new FilesTarget(stack.dir.resolve("cl2-uploads").toString()), stack.storage("cl-app2")),
        "cl_app2");
    // a recovery-CL-2 run that no worker takes: it stays running until terminated
    WorkflowStub run = stack.temporal.client().newUntypedWorkflowStub("RecoveryWorkflow",
        WorkflowOptions.newBuilder().setWorkflowId("recovery-CL-2").setTaskQueue("nobody-cl-2")
            .build());
    run.start(Map.of("incidentId", "CL-2"));
    Map<String, String> env = Map.of("PGPASSWORD", stack.pg.password());
    String[] args = {"cleanup", "CL-2", "--yes", "--plan", planFile.toString(), "--address",
        stack.temporal.target()};
    DrProcess.Result running = DrProcess.run(env, Duration.ofMinutes(2), args);
    assertEquals(1, running.exitCode(), running.toString());
    assertTrue(running.err().contains("is still running: its copies are in use"),
        running.toString());

    run.terminate("test: ended");
    DrProcess.Result kept = DrProcess.run(env, Duration.ofMinutes(2), args);
    assertEquals(1, kept.exitCode(), kept.toString());
    assertTrue(kept.err().contains("recovery.keep-copies: 7d") && kept.err().contains("--force"),
        kept.toString());

    DrProcess.Result forced = DrProcess.run(env, Duration.ofMinutes(2), concat(args, "--force"));
    assertEquals(0, forced.exitCode(), forced.toString());
    assertTrue(forced.out().contains("Nothing of CL-2 to clean up."), forced.toString());
  }

  private static String[] concat(String[] a, String extra) {
    String[] all = java.util.Arrays.copyOf(a, a.length + 1);
    all[a.length] = extra;
    return all;
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = stack.pg.connect("postgres")) {
      c.createStatement().execute(statement);
    }
  }

  private static boolean exists(String db) throws Exception {
    try (Connection c = stack.pg.connect("postgres");
        PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, db);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
