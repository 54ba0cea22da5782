package io.drorch.starter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.local.LocalTemporal;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.worker.DrWorker;
import io.drorch.worker.WorkerSecrets;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.Names;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What an engineer on call sees in the Temporal Web UI, checked in a real browser: a recovery
 * whose level 1 did not answer shows its summary, its live details (waiting for level 2) and the
 * pending step. Runs its own dev server WITH the UI and its own worker (the shared TestStack's
 * server is headless), and {@code ui-test/check-recovery-page.mjs} in headless Debian Chromium.
 * Fails, not skips, when node, Chromium or playwright-core is missing.
 */
class WebUiTest {
  private static final String INCIDENT = "INC-42";

  @Test
  void recoveryPageShowsSummaryLiveDetailsAndTheApprovalWaitingForLevel2() throws Exception {
    Path root = projectRoot();
    Path node = browserTools(root);
    Path screenshot = root.resolve("starter/target/ui/recovery-waiting-level-2.png");
    Files.deleteIfExists(screenshot);

    TestStack stack = TestStack.get();
    Path dir = Files.createTempDirectory("dr-webui-");
    try (LocalTemporal temporal = LocalTemporal.start(dir.resolve("temporal"), true)) {
      assertTrue(temporal.realServer() && temporal.uiUrl().isPresent(),
          "the dev server with its Web UI: " + temporal);
      DrWorker worker = DrWorker.start(temporal.client(),
          new WorkerSecrets(DatabaseCredentials.fixed(stack.pg.password()), stack.s3.credentials()));
      try {
        DrPlan plan = planWithQuickLevel1(stack, "webui_inc42");
        BackupRuns.await(BackupRuns.startDatabase(temporal.client(), plan, "test"));
        RecoveryWorkflow wf = RecoveryRuns.start(temporal.client(), plan, INCIDENT,
            List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "alice");
        PendingDecision pending = Waits.pending(wf, "database-swap", 2, Duration.ofMinutes(2));
        assertEquals("level 2 Development Team Lead", pending.levelName());

        String out = checkPage(node, root, temporal.uiUrl().get(), Names.workflowId(INCIDENT),
            screenshot, "Recovery " + INCIDENT + ": DATABASE (CRITICAL), requested by alice",
            "waiting for level 2 Development Team Lead", "database-swap");
        assertTrue(Files.size(screenshot) > 10_000, "screenshot written: " + screenshot + "\n" + out);

        RecoveryRuns.decide(temporal.client(), INCIDENT, "dana", Verdict.APPROVE, "database-swap",
            "page checked");
        RecoveryReport report = assertTimeoutPreemptively(Duration.ofMinutes(2),
            () -> RecoveryRuns.result(temporal.client(), INCIDENT));
        assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
        assertEquals(2, report.decisions().get(0).level());
      } finally {
        worker.close();
      }
    }
  }

  /** TestStack's plan for a fresh sample database, with level 1 answering within 3 seconds. */
  static DrPlan planWithQuickLevel1(TestStack stack, String name) throws Exception {
    DrPlan base = stack.samplePlan(name, name.replace('_', '-'));
    List<EscalationLevel> levels = new ArrayList<>();
    for (EscalationLevel l : base.escalation()) {
      levels.add(l.level() != 1 ? l : new EscalationLevel(l.level(), l.name(), l.approvers(),
          l.contacts(), Duration.ofSeconds(3)));
    }
    return stack.withWorkDir(base.withEscalation(levels), name, List.of());
  }

  /** Runs the page check; fails with everything it printed (what was missing, the page text). */
  static String checkPage(Path node, Path root, String uiUrl, String workflowId,
      Path screenshot, String... expected) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(node.toString(),
        root.resolve("ui-test/check-recovery-page.mjs").toString(), uiUrl, workflowId,
        screenshot.toString()));
    cmd.addAll(List.of(expected));
    Path log = Files.createTempFile("dr-webui-check-", ".log");
    Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(3, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    System.out.println("[ui-test] " + String.join(" ", cmd) + "\n" + out);
    assertTrue(ended, "the page check did not end within 3 minutes:\n" + out);
    assertEquals(0, p.exitValue(), "the Web UI page of " + workflowId + " (" + String.join(" ", cmd)
        + "):\n" + out);
    return out;
  }

  /** The repository root: the folder holding ui-test/package.json, from the working directory up. */
  static Path projectRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("ui-test/package.json"))) {
        return d;
      }
    }
    throw new AssertionError("no ui-test/package.json above " + Path.of("").toAbsolutePath());
  }

  /** node on PATH, Chromium and ui-test's playwright-core, or a failure saying how to get them. */
  static Path browserTools(Path root) {
    List<String> missing = new ArrayList<>();
    Path node = null;
    String path = System.getenv("PATH");
    for (String d : path == null ? new String[0] : path.split(File.pathSeparator)) {
      Path p = d.isEmpty() ? null : Path.of(d, "node");
      if (p != null && Files.isRegularFile(p) && Files.isExecutable(p)) {
        node = p;
        break;
      }
    }
    if (node == null) {
      missing.add("node (Node.js) on PATH");
    }
    String chromium = System.getenv().getOrDefault("DR_CHROMIUM", "/usr/bin/chromium");
    if (!Files.isExecutable(Path.of(chromium))) {
      missing.add("Chromium at " + chromium);
    }
    if (!Files.isRegularFile(root.resolve("ui-test/node_modules/playwright-core/package.json"))) {
      missing.add("playwright-core in " + root.resolve("ui-test/node_modules"));
    }
    if (!missing.isEmpty()) {
      throw new AssertionError("the Web UI test needs " + String.join(", ", missing)
          + ": run scripts/ensure-tools.sh");
    }
    return node;
  }
}
