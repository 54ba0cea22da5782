package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.common.Json;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.starter.interop.TemporalCli;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.approval.SshSignature;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.plan.ApprovalSettings;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.queries.RecoveryStatus;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RefusedDecision;
import io.drorch.workflows.contracts.values.SignedBy;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Approvals that can be trusted, end to end on the real dev server with the real {@code
 * temporal} CLI and real {@code ssh-keygen}: unsigned, wrong-key, expired, replayed and
 * other-step decisions are refused through {@code dr}, {@code temporal workflow update execute}
 * and {@code temporal workflow signal}; a decision signed by hand is accepted; a Signal sent
 * straight to a child is refused and the live database is untouched; the requester cannot
 * approve their own recovery; a two-approver step waits for the second; a workflow started with
 * a forged input cannot change who approves or what runs.
 */
class SignedApprovalsEndToEndTest {

  /** A recovery waiting for its decisions, run by a worker of its own (on its own plan). */
  private record Waiting(TestStack stack, LocalWorker worker, DrPlan plan, String incident)
      implements AutoCloseable {
    String id() {
      return "recovery-" + incident;
    }

    RecoveryWorkflow wf() {
      return RecoveryRuns.existing(stack.temporal.client(), incident);
    }

    RecoveryStatus status() {
      return wf().status();
    }

    /** `dr ARGS` against this recovery's worker. */
    Cli.Result dr(String... args) {
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--address", stack.temporal.target(), "--task-queue",
          worker.taskQueue()));
      return Cli.run(all.toArray(String[]::new));
    }

    @Override
    public void close() {
      worker.close();
    }
  }

  private static Waiting waiting(String name, String incident, List<RecoveryScope> scope,
      String requestedBy, Map<String, Integer> minApprovers) throws Exception {
    TestStack stack = TestStack.get();
    DrPlan base = stack.samplePlan(name, name.replace('_', '-'));
    DrPlan plan = stack.withWorkDir(base, name, List.of("SELECT count(*) > 0 FROM users"));
    ApprovalSettings a = plan.approvals();
    plan = plan.withApprovals(new ApprovalSettings(a.signatures(), a.allowedSigners(), null,
        a.signers(), a.requesterMayApprove(), minApprovers));
    LocalWorker worker = stack.worker(plan);
    BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), worker.taskQueue(), "test"));
    if (scope.contains(RecoveryScope.FILES)) {
      BackupRuns.await(BackupRuns.startFiles(stack.temporal.client(), worker.taskQueue(), "test"));
    }
    RecoveryWorkflow wf = RecoveryRuns.start(stack.temporal.client(), worker.taskQueue(),
        incident, scope, Tier.CRITICAL, null, null, requestedBy);
    Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(2));
    if (scope.contains(RecoveryScope.FILES)) {
      Waits.pending(wf, "files-swap", 0, Duration.ofMinutes(2));
    }
    return new Waiting(stack, worker, plan, incident);
  }

  private static String json(ApprovalDecision d) {
    return new String(Json.bytes(d), StandardCharsets.UTF_8);
  }

  private static Map<String, DataFingerprint.Table> live(TestStack stack, String db)
      throws Exception {
    try (Connection c = stack.pg.connect(db)) {
      return DataFingerprint.database(c);
    }
  }

  /** Waits until the status lists {@code n} refusals and returns them. */
  private static List<RefusedDecision> refusals(Waiting w, int n) throws InterruptedException {
    Waits.await(n + " refused decisions in the status of " + w.id(), Duration.ofSeconds(30),
        () -> w.status().refused().size() >= n);
    return w.status().refused();
  }

  /**
   * Nothing moved toward the database swap: the parent rang its child's doorbell for no decision
   * and the child scheduled no SwapDatabase (the histories hold every command given so far).
   */
  private static void assertNoSwapCommanded(Waiting w) {
    var client = w.stack().temporal.client();
    var rings = client.fetchHistory(w.id()).getEvents().stream()
        .filter(e -> e.hasSignalExternalWorkflowExecutionInitiatedEventAttributes()
            && e.getSignalExternalWorkflowExecutionInitiatedEventAttributes().getSignalName()
                .equals(io.drorch.workflows.recovery.ChildRecovery.DOORBELL)).toList();
    assertEquals(List.of(), rings, "the gate passed a decision on to the child");
    var swaps = client.fetchHistory(w.id() + "-database").getEvents().stream()
        .filter(e -> e.hasActivityTaskScheduledEventAttributes()
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName()
                .equals("SwapDatabase")).toList();
    assertEquals(List.of(), swaps, "the child scheduled the swap");
  }

  private static RecoveryReport result(Waiting w) {
    return assertTimeoutPreemptively(Duration.ofMinutes(2),
        () -> RecoveryRuns.result(w.stack().temporal.client(), w.incident()));
  }

  @Test
  void unsignedWrongKeyExpiredReplayedAndOtherStepDecisionsAreRefusedEverywhereAndAHandSignedOneCounts()
      throws Exception {
    TestStack stack = TestStack.get();
    TemporalCli cli = new TemporalCli(stack.temporal.target());
    try (Waiting w = waiting("sec_refusals", "SEC-1",
        List.of(RecoveryScope.DATABASE, RecoveryScope.FILES), "test", Map.of())) {
      var liveBefore = live(stack, "sec_refusals");
      String alice = stack.keys.key("alice").toString();
      String bob = stack.keys.key("bob").toString();

      // ---- through dr ----
      Cli.Result unsigned = w.dr("approve", "SEC-1", "--as", "alice", "--step", "database-swap",
          "--unsigned");
      assertEquals(1, unsigned.exitCode(), unsigned.out());
      assertTrue(unsigned.err().contains("not accepted: unsigned: the plan requires every"
          + " decision to be signed"), unsigned.err());
      Cli.Result wrongKey = w.dr("approve", "SEC-1", "--as", "alice", "--step", "database-swap",
          "--key", bob);
      assertEquals(1, wrongKey.exitCode(), wrongKey.out());
      assertTrue(wrongKey.err().contains("signed with bob's key"), wrongKey.err());
      Cli.Result otherStep = w.dr("approve", "SEC-1", "--as", "alice", "--step", "app-deploy",
          "--key", alice);
      assertEquals(1, otherStep.exitCode(), otherStep.out());
      assertTrue(otherStep.err().contains("nothing is waiting at step 'app-deploy'"),
          otherStep.err());

      // ---- forged decisions, as JSON for the temporal CLI ----
      RecoveryStatus s = w.status();
      String unsignedJson = "{\"approver\":\"alice\",\"verdict\":\"APPROVE\","
          + "\"step\":\"database-swap\"}";
      String expired = json(RecoveryRuns.decision(s, "alice", Verdict.APPROVE, "database-swap",
          null, stack.signer("alice"), Duration.ofMinutes(30), Instant.now().minusSeconds(7200)));
      ApprovalDecision forDb = RecoveryRuns.decision(s, "alice", Verdict.APPROVE,
          "database-swap", null, stack.signer("alice"), Duration.ofHours(1), Instant.now());
      PendingDecision files = RecoveryRuns.pending(s, "files-swap");
      String replayed = json(new ApprovalDecision("alice", Verdict.APPROVE, "files-swap", null,
          forDb.run(), files.backupId(), files.copyFingerprint(), forDb.signedAt(),
          forDb.expiresAt(), forDb.signature()));
      ApprovalDecision byBob = RecoveryRuns.decision(s, "alice", Verdict.APPROVE,
          "database-swap", null, stack.signer("bob"), Duration.ofHours(1), Instant.now());
      String bobsKey = json(byBob);
      Map<String, String> forged = new LinkedHashMap<>();
      forged.put(unsignedJson, "unsigned: the plan requires every decision to be signed");
      forged.put(expired, "the decision expired at");
      forged.put(replayed, "the signature does not match the decision");
      forged.put(bobsKey, "signed with bob's key");

      // ---- through temporal workflow update execute ----
      for (var f : forged.entrySet()) {
        TemporalCli.Run update = cli.workflow("update", "execute", "-w", w.id(), "--name",
            "decide", "--input", f.getKey());
        assertNotEquals(0, update.exit(), update.toString());
        assertTrue(update.output().contains(f.getValue()), update.toString());
      }
      // ---- through temporal workflow signal: refused, and recorded as refused ----
      for (var f : forged.entrySet()) {
        TemporalCli.Run signal = cli.workflow("signal", "-w", w.id(), "--name", "decision",
            "--input", f.getKey());
        assertEquals(0, signal.exit(), signal.toString());
      }
      List<RefusedDecision> bySignal = refusals(w, forged.size());
      assertEquals(new ArrayList<>(forged.values()), bySignal.stream()
          .map(r -> forged.values().stream().filter(r.reason()::contains).findFirst()
              .orElse(r.reason())).toList(), bySignal.toString());
      assertTrue(bySignal.stream().allMatch(r -> r.via().equals("signal")
          && r.approver().equals("alice")), bySignal.toString());

      // ---- a Signal straight to the child: not confirmed by the gate, nothing swapped ----
      TemporalCli.Run toChild = cli.workflow("signal", "-w", w.id() + "-database", "--name",
          "decided", "--input",
          "{\"step\":\"database-swap\",\"verdict\":\"APPROVE\",\"approver\":\"x\"}");
      assertEquals(0, toChild.exit(), toChild.toString());
      List<RefusedDecision> all = refusals(w, forged.size() + 1);
      RefusedDecision childRing = all.get(all.size() - 1);
      assertEquals(List.of("x", "database-swap", "APPROVE", "signal to child"),
          List.of(childRing.approver(), childRing.step(), childRing.verdict(), childRing.via()));
      assertTrue(childRing.reason().contains("not confirmed by the gate"), childRing.reason());
      // the child's refusal reached the parent: the child's task that handled the ring is in its
      // history with every command it gave, so a swap would be there already (no waiting needed)
      assertNoSwapCommanded(w);
      assertEquals(liveBefore, live(stack, "sec_refusals"), "the live database is untouched");
      assertTrue(w.status().pending().stream().anyMatch(p -> p.step().equals("database-swap")),
          "still waiting at the gate: " + w.status());
      assertTrue(w.status().decisions().isEmpty(), w.status().toString());
      Cli.Result status = w.dr("status", "SEC-1");
      assertTrue(status.out().contains("refused: database-swap APPROVE claimed by x via signal to"
          + " child"), status.out());

      // ---- signed by hand with ssh-keygen, sent with the temporal CLI: accepted ----
      Cli.Result canonical = w.dr("approve", "SEC-1", "--as", "alice", "--step",
          "database-swap", "--comment", "signed by hand", "--canonical");
      assertEquals(0, canonical.exitCode(), canonical.err());
      String text = canonical.out();
      assertTrue(text.startsWith("dr-approval-v1\nincident: SEC-1\nworkflow: recovery-SEC-1\n"),
          text);
      Path dir = Files.createTempDirectory(stack.dir, "by-hand");
      Path file = dir.resolve("decision.txt");
      Files.writeString(file, text);
      Process p = new ProcessBuilder("ssh-keygen", "-Y", "sign", "-n", "dr-approval", "-f",
          alice, file.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
      String handJson = byHand(text, Files.readString(Path.of(file + ".sig")));
      TemporalCli.Run accepted = cli.workflow("update", "execute", "-w", w.id(), "--name",
          "decide", "--input", handJson);
      assertEquals(0, accepted.exit(), accepted.toString());
      assertTrue(accepted.output().contains("APPROVE"), accepted.toString());

      Cli.Result filesOk = w.dr("approve", "SEC-1", "--as", "bob", "--step", "files-swap",
          "--key", bob);
      assertEquals(0, filesOk.exitCode(), filesOk.err());
      RecoveryReport report = result(w);
      assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
      DecisionRecord db = report.decisions().stream()
          .filter(d -> d.step().equals("database-swap")).findFirst().orElseThrow();
      assertEquals("signed by hand", db.comment());
      assertEquals(SshSignature.fingerprint(stack.keys.allowedSigners().get(0).key()),
          db.signedBy().get(0).key());
      assertEquals(s.pending().stream().filter(x -> x.step().equals("database-swap"))
          .findFirst().orElseThrow().copyFingerprint(), db.copyFingerprint());
      assertEquals(forged.size() + 1, report.refusedDecisions().size(),
          report.refusedDecisions().toString());
      assertEquals(w.worker().planSha256(), report.planSha256());
    }
  }

  /** The JSON an engineer writes from the canonical text and the signature file. */
  private static String byHand(String canonical, String signature) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String line : canonical.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        f.put(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    return "{\"approver\":\"" + f.get("approver") + "\",\"verdict\":\"" + f.get("verdict")
        + "\",\"step\":\"" + f.get("step") + "\",\"comment\":\"" + f.get("comment")
        + "\",\"run\":\"" + f.get("run") + "\",\"backup\":\"" + f.get("backup")
        + "\",\"copy\":\"" + f.get("copy") + "\",\"signedAt\":\"" + f.get("signed-at")
        + "\",\"expiresAt\":\"" + f.get("expires-at") + "\",\"signature\":\""
        + signature.replace("\n", "\\n") + "\"}";
  }

  @Test
  void theRequesterCannotApproveATwoApproverStepWaitsForTheSecondAndAnEarlierRunsSignatureIsRefused()
      throws Exception {
    TestStack stack = TestStack.get();
    TemporalCli cli = new TemporalCli(stack.temporal.target());
    try (Waiting w = waiting("sec_four_eyes", "SEC-2", List.of(RecoveryScope.DATABASE), "alice",
        Map.of("database-swap", 2))) {
      var liveBefore = live(stack, "sec_four_eyes");
      String alice = stack.keys.key("alice").toString();
      String bob = stack.keys.key("bob").toString();
      String dana = stack.keys.key("dana").toString();
      // signed now for this run, kept for later: a replay into the next run
      String bobFirstRun = json(RecoveryRuns.decision(w.status(), "bob", Verdict.APPROVE,
          "database-swap", null, stack.signer("bob"), Duration.ofHours(1), Instant.now()));

      Cli.Result own = w.dr("approve", "SEC-2", "--as", "alice", "--key", alice);
      assertEquals(1, own.exitCode(), own.out());
      assertTrue(own.err().contains("you started this recovery; another approver must decide"),
          own.err());

      Cli.Result first = w.dr("approve", "SEC-2", "--as", "bob", "--key", bob, "--comment",
          "first pair of eyes");
      assertEquals(0, first.exitCode(), first.err());
      assertTrue(first.out().contains("1 more approval(s) from other approvers needed"),
          first.out());
      Cli.Result status = w.dr("status", "SEC-2");
      assertTrue(status.out().contains("approvals: 1 of 2: bob"), status.out());
      // the Update returned once the gate recorded it: that task's commands are in the history
      assertNoSwapCommanded(w);
      assertEquals(liveBefore, live(stack, "sec_four_eyes"), "one approval swaps nothing");
      Cli.Result again = w.dr("approve", "SEC-2", "--as", "bob", "--key", bob);
      assertEquals(1, again.exitCode(), again.out());
      assertTrue(again.err().contains("bob already approved 'database-swap', which needs 2"
          + " distinct approvers"), again.err());

      Cli.Result second = w.dr("approve", "SEC-2", "--as", "dana", "--key", dana, "--comment",
          "second pair of eyes");
      assertEquals(0, second.exitCode(), second.err());
      RecoveryReport report = result(w);
      assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
      assertEquals(List.of("bob", "dana"), report.decisions().get(0).signedBy().stream()
          .map(SignedBy::approver).toList());
      assertTrue(report.decisions().get(0).signedBy().stream().allMatch(b -> b.key() != null));

      // the same incident recovered again: a new run, and bob's signature of the first is stale
      RecoveryWorkflow again2 = RecoveryRuns.start(stack.temporal.client(),
          w.worker().taskQueue(), "SEC-2", List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null,
          null, "alice");
      Waits.pending(again2, "database-swap", 0, Duration.ofMinutes(2));
      TemporalCli.Run update = cli.workflow("update", "execute", "-w", w.id(), "--name",
          "decide", "--input", bobFirstRun);
      assertNotEquals(0, update.exit(), update.toString());
      assertTrue(update.output().contains("not this recovery's run"), update.toString());
      cli.workflow("signal", "-w", w.id(), "--name", "decision", "--input", bobFirstRun);
      List<RefusedDecision> refused = refusals(w, 1);
      assertTrue(refused.get(0).reason().contains("an earlier run of this one"),
          refused.toString());
      Cli.Result stop = w.dr("reject", "SEC-2", "--as", "dana", "--key", dana);
      assertEquals(0, stop.exitCode(), stop.err());
      assertEquals(Outcome.ABORTED, result(w).outcome());
    }
  }

  @Test
  void aWorkflowStartedWithAForgedPlanInItsInputRunsOnTheWorkersPlan() throws Exception {
    TestStack stack = TestStack.get();
    TemporalCli cli = new TemporalCli(stack.temporal.target());
    DrPlan base = stack.samplePlan("sec_forged", "sec-forged");
    DrPlan plan = stack.withWorkDir(base, "sec_forged", List.of());
    Path marker = stack.dir.resolve("forged-command-ran");
    try (LocalWorker worker = stack.worker(plan)) {
      BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), worker.taskQueue(),
          "test"));
      // the old input shape: the plan travels in the input, naming its own approvers, its own
      // deploy command and another database host
      String forgedPlan = "\"plan\":{\"escalation\":[{\"level\":1,\"name\":\"Mallory\","
          + "\"approvers\":[\"mallory\"],\"contacts\":[],\"timeout\":\"PT1M\"}],"
          + "\"database\":{\"host\":\"evil.example.com\",\"port\":5432,\"name\":\"x\","
          + "\"user\":\"x\"},\"deployment\":{\"deploy\":{\"command\":[\"/bin/touch\",\""
          + marker + "\"]}}}";
      TemporalCli.Run started = cli.workflow("start", "--type", "RecoveryWorkflow",
          "--task-queue", worker.taskQueue(), "-w", "recovery-FORGED-1", "--input",
          "{\"incidentId\":\"FORGED-1\",\"scope\":[\"DATABASE\"],\"tier\":\"CRITICAL\","
              + "\"requestedBy\":\"mallory\"," + forgedPlan + "}");
      assertEquals(0, started.exit(), started.toString());
      RecoveryWorkflow wf = RecoveryRuns.existing(stack.temporal.client(), "FORGED-1");
      PendingDecision p = Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(2));
      assertEquals(List.of("alice", "bob"), p.approvers(), "the worker's plan names approvers");
      assertEquals(worker.planSha256(), wf.status().planSha256());
      assertTrue(p.description().contains(
          io.drorch.workflows.recovery.Names.database("sec_forged", "_restore_", "FORGED-1")),
          p.description());
      TemporalCli.Run mallory = cli.workflow("update", "execute", "-w", "recovery-FORGED-1",
          "--name", "decide", "--input",
          "{\"approver\":\"mallory\",\"verdict\":\"APPROVE\",\"step\":\"database-swap\"}");
      assertNotEquals(0, mallory.exit(), mallory.toString());
      assertTrue(mallory.output().contains("unknown approver 'mallory'"), mallory.toString());

      // with the application in scope, the forged deploy command is not there either: the
      // worker's plan has no deployment section, so the recovery stops before anything runs
      TemporalCli.Run app = cli.workflow("start", "--type", "RecoveryWorkflow",
          "--task-queue", worker.taskQueue(), "-w", "recovery-FORGED-2", "--input",
          "{\"incidentId\":\"FORGED-2\",\"scope\":[\"APPLICATION\"],\"tier\":\"CRITICAL\","
              + "\"requestedBy\":\"mallory\"," + forgedPlan + "}");
      assertEquals(0, app.exit(), app.toString());
      Throwable failed = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> RecoveryRuns.result(stack.temporal.client(), "FORGED-2"));
      assertTrue(Errors.describe(failed).contains("scope has application but the plan has no"
          + " deployment section"), Errors.describe(failed));
      assertFalse(Files.exists(marker), "the forged deploy command never ran");

      RecoveryRuns.decide(stack.temporal.client(), "FORGED-1", "alice", Verdict.REJECT,
          "database-swap", "forged", stack.signer("alice"));
      assertEquals(Outcome.ABORTED, RecoveryRuns.result(stack.temporal.client(), "FORGED-1")
          .outcome());
      assertFalse(Files.exists(marker), "the forged deploy command never ran");
    }
  }
}
