package io.drorch.starter.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.Names;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Operators answer recoveries with the plain Temporal CLI, no {@code dr} needed: the real CLI
 * binary against the real dev server queries {@code status}, is told by the {@code decide}
 * validator why a decision cannot count, and approves by Signal or by Update with the JSON that
 * the README shows.
 */
class TemporalCliInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TemporalCli cli(TestStack stack) {
    return new TemporalCli(stack.temporal.target());
  }

  /** A database-only recovery of a fresh sample database with one backup, at database-swap. */
  private static String recoveryWaitingAtDatabaseSwap(TestStack stack, String incident)
      throws Exception {
    String name = "interop_" + incident.toLowerCase().replace('-', '_');
    DrPlan base = stack.samplePlan(name, name.replace('_', '-'));
    DrPlan plan = stack.withWorkDir(base, name, List.of("SELECT count(*) > 0 FROM users"));
    BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), plan, "test"));
    RecoveryWorkflow wf = RecoveryRuns.start(stack.temporal.client(), plan, incident,
        List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "test");
    Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(2));
    return Names.workflowId(incident);
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
    String id = recoveryWaitingAtDatabaseSwap(stack, "CLI-SIGNAL");

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
        "{\"approver\":\"alice\",\"verdict\":\"APPROVE\",\"step\":\"database-swap\"}");
    assertEquals(0, signal.exit(), signal.toString());

    RecoveryReport report = result(stack, "CLI-SIGNAL");
    assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
    DecisionRecord d = report.decisions().get(0);
    assertEquals(List.of("database-swap", "alice", Verdict.APPROVE, 1),
        List.of(d.step(), d.approver(), d.verdict(), d.level()), report.decisions().toString());
  }

  @Test
  void updateFromTheCliApprovesAndAnswersWithTheRecordedDecision() throws Exception {
    TestStack stack = TestStack.get();
    TemporalCli cli = cli(stack);
    String id = recoveryWaitingAtDatabaseSwap(stack, "CLI-UPDATE");

    TemporalCli.Run update = cli.workflow("update", "execute", "-w", id, "--name", "decide",
        "--input", "{\"approver\":\"alice\",\"verdict\":\"APPROVE\",\"step\":\"database-swap\","
            + "\"comment\":\"checked from the CLI\"}");
    assertEquals(0, update.exit(), update.toString());
    assertTrue(update.output().contains("database-swap") && update.output().contains("APPROVE"),
        "the update answers with the decision it recorded: " + update);

    RecoveryReport report = result(stack, "CLI-UPDATE");
    assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
    DecisionRecord d = report.decisions().get(0);
    assertEquals(List.of("database-swap", "alice", Verdict.APPROVE, "checked from the CLI"),
        List.of(d.step(), d.approver(), d.verdict(), d.comment()), report.decisions().toString());
  }
}
