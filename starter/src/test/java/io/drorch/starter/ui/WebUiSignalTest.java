package io.drorch.starter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.common.Json;
import io.drorch.local.LocalTemporal;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.Names;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's way to decide without the CLI: `dr approve --print` gives the signed decision, an
 * approver pastes it into the Temporal Web UI's own "Send a Signal" form (signal `decision`). Done
 * here in headless Chromium ({@code ui-test/send-signal.mjs}) on the dev server with its UI: a
 * decision whose signature does not match its text is refused (recorded as refused, nothing
 * swapped, the gate still waits); the signed one counts and the recovery ends RECOVERED.
 */
class WebUiSignalTest {
  private static final String INCIDENT = "INC-UI-SIGNAL";

  @Test
  void aSignedDecisionSentFromTheWebUiCountsAndATamperedOneIsRefused() throws Exception {
    Path root = WebUiTest.projectRoot();
    Path node = WebUiTest.browserTools(root);
    TestStack stack = TestStack.get();
    Path dir = Files.createTempDirectory("dr-webui-signal-");
    try (LocalTemporal temporal = LocalTemporal.start(dir.resolve("temporal"), true)) {
      assertTrue(temporal.realServer() && temporal.uiUrl().isPresent(), temporal.toString());
      DrPlan base = stack.samplePlan("webui_signal", "webui-signal");
      DrPlan plan = stack.withWorkDir(base, "webui_signal", List.of());
      try (LocalWorker worker = stack.worker(plan, temporal.client())) {
        BackupRuns.await(BackupRuns.startDatabase(temporal.client(), worker.taskQueue(), "test"));
        Map<String, DataFingerprint.Table> live;
        try (Connection c = stack.pg.connect("webui_signal")) {
          c.createStatement().execute("DELETE FROM messages WHERE id % 2 = 0");
          live = DataFingerprint.database(c);
        }
        RecoveryWorkflow wf = RecoveryRuns.start(temporal.client(), worker.taskQueue(), INCIDENT,
            List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "erin");
        Waits.pending(wf, "database-swap", 1, Duration.ofMinutes(3));

        // what `dr approve --print` prints, signed by alice
        ApprovalDecision signed = RecoveryRuns.decision(wf.status(), "alice", Verdict.APPROVE,
            "database-swap", "sent from the Web UI", stack.signer("alice"), Duration.ofHours(1),
            Instant.now());
        // the same decision with its comment changed after signing: the signature no longer fits
        ApprovalDecision tampered = new ApprovalDecision(signed.approver(), signed.verdict(),
            signed.step(), "changed after signing", signed.run(), signed.backup(), signed.copy(),
            signed.signedAt(), signed.expiresAt(), signed.signature());

        sendFromTheWebUi(node, root, temporal, tampered, "tampered");
        Waits.await("the tampered decision refused", Duration.ofMinutes(1),
            () -> !wf.status().refused().isEmpty());
        var refused = wf.status().refused();
        assertEquals(1, refused.size(), refused.toString());
        assertEquals("alice", refused.get(0).approver());
        assertEquals("signal", refused.get(0).via(), refused.toString());
        assertTrue(refused.get(0).reason().contains("signature"), refused.get(0).reason());
        assertTrue(wf.status().decisions().isEmpty(), wf.status().toString());
        assertTrue(wf.status().pending().stream().anyMatch(p -> p.step().equals("database-swap")),
            "the gate still waits: " + wf.status());
        try (Connection c = stack.pg.connect("webui_signal")) {
          assertEquals(live, DataFingerprint.database(c), "a refused decision swaps nothing");
        }

        sendFromTheWebUi(node, root, temporal, signed, "signed");
        RecoveryReport report = assertTimeoutPreemptively(Duration.ofMinutes(3),
            () -> RecoveryRuns.result(temporal.client(), INCIDENT));
        assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
        assertEquals(1, report.decisions().size(), report.decisions().toString());
        var d = report.decisions().get(0);
        assertEquals(List.of("alice", "APPROVE", "sent from the Web UI"),
            List.of(d.approver(), d.verdict().name(), d.comment()));
        assertEquals(1, d.signedBy().size(), d.toString());
      }
    }
  }

  /** {@code decision} as the JSON input of the `decision` signal, sent through the page. */
  private static void sendFromTheWebUi(Path node, Path root, LocalTemporal temporal,
      ApprovalDecision decision, String name) throws Exception {
    Path input = Files.createTempFile("dr-webui-decision-", ".json");
    Files.write(input, Json.bytes(decision));
    Path screenshot = root.resolve("starter/target/ui/send-signal-" + name + ".png");
    List<String> cmd = new ArrayList<>(List.of(node.toString(),
        root.resolve("ui-test/send-signal.mjs").toString(), temporal.uiUrl().get(),
        Names.workflowId(INCIDENT), "decision", input.toString(), screenshot.toString()));
    Path log = Files.createTempFile("dr-webui-signal-", ".log");
    Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(3, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    Files.deleteIfExists(input);
    System.out.println("[ui-test] " + String.join(" ", cmd) + "\n" + out);
    assertTrue(ended, "send-signal.mjs did not end within 3 minutes:\n" + out);
    assertEquals(0, p.exitValue(), "Send a Signal in the Web UI (" + name + "):\n" + out);
  }
}
