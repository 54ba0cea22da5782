package io.drorch.starter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.LocalTemporal;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.worker.TemporalConnection;
import io.drorch.worker.codec.CodecServer;
import io.drorch.worker.codec.PayloadKeys;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.recovery.Names;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Web UI with payload encryption on, as {@code dr demo} runs it: the dev server started with
 * {@code --ui-codec-endpoint} pointing at our codec server, the worker and client encrypting.
 * The live details of a recovery (the answer of the workflow-metadata query, ciphertext in
 * Temporal) show decoded in headless Chromium: the browser fetched them through the codec server
 * (CORS for the UI's origin), and the static summary is readable as always.
 */
class EncryptedWebUiTest {
  private static final String INCIDENT = "INC-43";

  /** The page check expected to fail (exit 1), quickly: what it printed. */
  private static String pageWithout(Path node, Path root, String uiUrl, Path screenshot,
      String expected) throws Exception {
    Path log = Files.createTempFile("dr-webui-nocodec-", ".log");
    ProcessBuilder pb = new ProcessBuilder(List.of(node.toString(),
        root.resolve("ui-test/check-recovery-page.mjs").toString(), uiUrl,
        Names.workflowId(INCIDENT), screenshot.toString(), expected))
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("UI_CHECK_TIMEOUT_MS", "60000"); // the page polls until the text shows; 25 s was too short under load
    Process p = pb.start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the page check ended");
    String out = Files.readString(log);
    System.out.println("[ui-test, no codec server] exit " + p.exitValue() + "\n" + out);
    assertEquals(1, p.exitValue(), out);
    return out;
  }

  @Test
  void throughTheCodecServerThePageShowsTheDecodedPendingApproval() throws Exception {
    Path root = WebUiTest.projectRoot();
    Path node = WebUiTest.browserTools(root);
    Path screenshot = root.resolve("starter/target/ui/recovery-encrypted-level-2.png");
    Files.deleteIfExists(screenshot);

    TestStack stack = TestStack.get();
    Path dir = Files.createTempDirectory("dr-webui-enc-");
    PayloadKeys keys = PayloadKeys.of("test", PayloadKeys.generate("ui-k1"));
    try (CodecServer codec = CodecServer.start("127.0.0.1", 0, keys, List.of(), null);
        LocalTemporal temporal = LocalTemporal.start(dir.resolve("temporal"), true, codec.url())) {
      assertTrue(temporal.realServer() && temporal.uiUrl().isPresent(), temporal.toString());
      codec.allowOrigin(temporal.uiUrl().get());
      WorkflowClient client = TemporalConnection.of(temporal.target(), temporal.namespace())
          .withPayloadKeys(keys).client(temporal.service());
      DrPlan plan = WebUiTest.planWithQuickLevel1(stack, "webui_inc43");
      LocalWorker worker = stack.worker(plan, client);
      try {
        BackupRuns.await(BackupRuns.startDatabase(client, worker.taskQueue(), "test"));
        RecoveryWorkflow wf = RecoveryRuns.start(client, worker.taskQueue(), INCIDENT,
            List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "alice");
        PendingDecision pending = Waits.pending(wf, "database-swap", 2, Duration.ofMinutes(2));
        assertEquals("level 2 Development Team Lead", pending.levelName());

        String out = WebUiTest.checkPage(node, root, temporal.uiUrl().get(),
            Names.workflowId(INCIDENT), screenshot,
            "Recovery " + INCIDENT + ": DATABASE (CRITICAL), requested by alice",
            "Development Team Lead (dana): database-swap");
        assertTrue(codec.browserDecodes() > 0, "the browser decoded through the codec server\n" + out);
        assertTrue(Files.size(screenshot) > 10_000, "screenshot written: " + screenshot);

        // without the codec server the live details are ciphertext: not shown; the summary is
        codec.close();
        String without = pageWithout(node, root, temporal.uiUrl().get(), dir.resolve("no-codec.png"),
            "Development Team Lead (dana): database-swap");
        assertTrue(without.contains("does not show") && without.contains("(dana): database-swap"),
            without);
        assertFalse(without.contains("- \"Recovery " + INCIDENT + "\""), "the summary is: " + without);
      } finally {
        worker.close();
      }
    }
  }
}
