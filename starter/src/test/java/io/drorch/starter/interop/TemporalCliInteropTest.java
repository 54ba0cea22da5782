package io.drorch.starter.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drorch.activities.common.Json;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.approval.SshSignature;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.queries.RecoveryStatus;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.Names;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Operators answer recoveries with the plain Temporal CLI, no {@code dr} needed: the real CLI
 * binary against the real dev server queries {@code status}, is told by the {@code decide}
 * validator why a decision cannot count, and approves by Signal or by Update with the signed
 * JSON that {@code dr approve --print} makes (the README shows it).
 */
class TemporalCliInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TemporalCli cli(TestStack stack) {
    return new TemporalCli(stack.temporal.target());
  }

  /**
   * A database-only recovery of a fresh sample database with one backup, at database-swap, run
   * by a worker of its own (closed by the caller).
   */
  private static LocalWorker recoveryWaitingAtDatabaseSwap(TestStack stack, String incident)
      throws Exception {
    String name = "interop_" + incident.toLowerCase().replace('-', '_');
    DrPlan base = stack.samplePlan(name, name.replace('_', '-'));
    DrPlan plan = stack.withWorkDir(base, name, List.of("SELECT count(*) > 0 FROM users"));
    LocalWorker worker = stack.worker(plan);
    BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), worker.taskQueue(), "test"));
    RecoveryWorkflow wf = RecoveryRuns.start(stack.temporal.client(), worker.taskQueue(),
        incident, List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "test");
    Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(2));
    return worker;
  }

  /** What {@code dr approve INCIDENT --as APPROVER --print} prints: the signed decision. */
  private static String signedJson(TestStack stack, String incident, String approver,
      String comment) throws Exception {
    RecoveryStatus s = RecoveryRuns.existing(stack.temporal.client(), incident).status();
    ApprovalDecision d = RecoveryRuns.decision(s, approver, Verdict.APPROVE, "database-swap",
        comment, stack.signer(approver), Duration.ofHours(1), Instant.now());
    return new String(Json.bytes(d), StandardCharsets.UTF_8);
  }

  /** {@code temporal workflow query --type status -o json}, parsed: the query's RecoveryStatus. */
  private static JsonNode status(TemporalCli cli, String workflowId) throws Exception {
    TemporalCli.Run run = cli.workflow("query", "-w", workflowId, "--type", "status", "-o", "json");
    assertEquals(0, run.exit(), run.toString());
    JsonNode root = JSON.readTree(run.output());
    JsonNode result = root.path("queryResult");
    assertTrue(result.isArray() && result.size() == 1, "one query result in " + run);
    return result.get(0);
  }

  private static RecoveryReport result(TestStack stack, String incident) {
    return assertTimeoutPreemptively(Duration.ofMinutes(2),
        () -> RecoveryRuns.result(stack.temporal.client(), incident));
  }

  @Test
  void queryShowsThePendingSwapUpdateRejectsUnknownApproverAndASignalApproves() throws Exception {
    TestStack stack = TestStack.get();
    TemporalCli cli = cli(stack);
    String id = Names.workflowId("CLI-SIGNAL");
    try (LocalWorker worker = recoveryWaitingAtDatabaseSwap(stack, "CLI-SIGNAL")) {

      JsonNode status = status(cli, id);
      assertEquals("CLI-SIGNAL", status.path("incidentId").asText(), status.toString());
      JsonNode pending = status.path("pending");
      assertEquals(1, pending.size(), status.toString());
      assertEquals("database-swap", pending.get(0).path("step").asText());
      assertEquals(1, pending.get(0).path("level").asInt());
      assertEquals("alice", pending.get(0).path("approvers").get(0).asText());

      TemporalCli.Run rejected = cli.workflow("update", "execute", "-w", id, "--name", "decide",
          "--input", "{\"approver\":\"mallory\",\"verdict\":\"APPROVE\"}");
      assertNotEquals(0, rejected.exit(), rejected.toString());
      assertTrue(rejected.output().contains("unknown approver 'mallory'"), rejected.toString());
      JsonNode still = status(cli, id);
      assertEquals("database-swap", still.path("pending").get(0).path("step").asText(),
          "a rejected decision decides nothing: " + still);
      assertEquals(0, still.path("decisions").size(), still.toString());

      TemporalCli.Run signal = cli.workflow("signal", "-w", id, "--name", "decision", "--input",
          signedJson(stack, "CLI-SIGNAL", "alice", null));
      assertEquals(0, signal.exit(), signal.toString());

      RecoveryReport report = result(stack, "CLI-SIGNAL");
      assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
      DecisionRecord d = report.decisions().get(0);
      assertEquals(List.of("database-swap", "alice", Verdict.APPROVE, 1),
          List.of(d.step(), d.approver(), d.verdict(), d.level()), report.decisions().toString());
      assertEquals(worker.planSha256(), report.planSha256());
    }
  }

  @Test
  void updateFromTheCliApprovesAndAnswersWithTheRecordedDecision() throws Exception {
    TestStack stack = TestStack.get();
    TemporalCli cli = cli(stack);
    String id = Names.workflowId("CLI-UPDATE");
    try (LocalWorker worker = recoveryWaitingAtDatabaseSwap(stack, "CLI-UPDATE")) {

      TemporalCli.Run update = cli.workflow("update", "execute", "-w", id, "--name", "decide",
          "--input", signedJson(stack, "CLI-UPDATE", "alice", "checked from the CLI"));
      assertEquals(0, update.exit(), update.toString());
      assertTrue(update.output().contains("database-swap") && update.output().contains("APPROVE"),
          "the update answers with the decision it recorded: " + update);

      RecoveryReport report = result(stack, "CLI-UPDATE");
      assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
      DecisionRecord d = report.decisions().get(0);
      assertEquals(List.of("database-swap", "alice", Verdict.APPROVE, "checked from the CLI"),
          List.of(d.step(), d.approver(), d.verdict(), d.comment()), report.decisions().toString());
      assertEquals(SshSignature.fingerprint(stack.keys.allowedSigners().get(0).key()),
          d.signedBy().get(0).key(), "signed with alice's key");
    }
  }
}
