package io.drorch.workflows.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.drorch.workflows.approval.TestKey;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.plan.ApprovalSettings;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.plan.SignatureMode;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RefusedDecision;
import io.drorch.workflows.contracts.values.SignedBy;
import io.drorch.workflows.contracts.values.Verdict;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gate's verification of signed decisions, four eyes, and the closed side door, with time
 * skipping and mocked activities (the real ssh-keygen runs in SshSignatureTest and end to end).
 */
class SignedDecisionTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = RecoveryHarness.extension();

  static final List<RecoveryScope> DB = List.of(RecoveryScope.DATABASE);

  /** Starts a database recovery and waits until database-swap is pending. */
  private static RecoveryHarness waiting(TestWorkflowEnvironment env, Worker w,
      Consumer<RecoveryHarness> setUp) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    h.plan = RecoveryHarness.plan(OnUnanswered.REMIND);
    setUp.accept(h);
    h.start(DB, OnUnanswered.REMIND);
    h.awaitPending();
    return h;
  }

  private static String refusedBy(RecoveryHarness h, ApprovalDecision d) {
    WorkflowUpdateException e = assertThrows(WorkflowUpdateException.class,
        () -> h.recovery.decide(d));
    return message(e);
  }

  /** Sends {@code d} by Signal and returns the refusal it left in the status. */
  private static RefusedDecision refusedBySignal(RecoveryHarness h, ApprovalDecision d) {
    int before = h.recovery.status().refused().size();
    h.recovery.decisionSignal(d);
    for (int i = 0; i < 100 && h.recovery.status().refused().size() == before; i++) {
      h.env.sleep(Duration.ofSeconds(1));
    }
    List<RefusedDecision> refused = h.recovery.status().refused();
    assertEquals(before + 1, refused.size(), refused.toString());
    return refused.get(refused.size() - 1);
  }

  @Test
  void unsignedWrongKeyExpiredFutureAndTamperedDecisionsAreRefusedByUpdateAndSignal(
      TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = waiting(env, w, x -> {});

    ApprovalDecision unsigned = h.draft("alice", Verdict.APPROVE, "database-swap", null).unsigned();
    assertTrue(refusedBy(h, unsigned).contains("unsigned: the plan requires every decision to be"
        + " signed"), refusedBy(h, unsigned));
    assertTrue(refusedBySignal(h, unsigned).reason().startsWith("unsigned"));

    RecoveryHarness.Draft bobsKey = h.draft("alice", Verdict.APPROVE, "database-swap", null);
    bobsKey.key = RecoveryHarness.KEYS.get("bob");
    assertTrue(refusedBy(h, bobsKey.sign()).contains("signed with bob's key"),
        refusedBy(h, bobsKey.sign()));

    RecoveryHarness.Draft stranger = h.draft("alice", Verdict.APPROVE, "database-swap", null);
    stranger.key = new TestKey();
    assertTrue(refusedBy(h, stranger.sign()).contains("which is not the approver's key"),
        refusedBy(h, stranger.sign()));

    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    RecoveryHarness.Draft expired = h.draft("alice", Verdict.APPROVE, "database-swap", null);
    expired.signedAt = format(now.minus(Duration.ofHours(2)));
    expired.expiresAt = format(now.minus(Duration.ofMinutes(1)));
    assertTrue(refusedBy(h, expired.sign()).contains("expired at"), refusedBy(h, expired.sign()));
    assertTrue(refusedBySignal(h, expired.sign()).reason().contains("expired at"));

    RecoveryHarness.Draft future = h.draft("alice", Verdict.APPROVE, "database-swap", null);
    future.signedAt = format(now.plus(Duration.ofMinutes(20)));
    future.expiresAt = format(now.plus(Duration.ofHours(2)));
    assertTrue(refusedBy(h, future.sign()).contains("in the future"), refusedBy(h, future.sign()));

    // a signed decision whose comment was changed afterwards
    ApprovalDecision signed = h.signed("alice", Verdict.APPROVE, "database-swap", "ok");
    ApprovalDecision tampered = new ApprovalDecision(signed.approver(), signed.verdict(),
        signed.step(), "ok, and drop the old one", signed.run(), signed.backup(), signed.copy(),
        signed.signedAt(), signed.expiresAt(), signed.signature());
    assertTrue(refusedBy(h, tampered).contains("does not match the decision"),
        refusedBy(h, tampered));

    RecoveryHarness.Draft otherRun = h.draft("alice", Verdict.APPROVE, "database-swap", null);
    otherRun.run = "0193-another-run";
    assertTrue(refusedBy(h, otherRun.sign()).contains("not this recovery's run"),
        refusedBy(h, otherRun.sign()));

    RecoveryHarness.Draft otherCopy = h.draft("alice", Verdict.APPROVE, "database-swap", null);
    otherCopy.copy = "another-copy";
    assertTrue(refusedBy(h, otherCopy.sign()).contains("names copy " + RecoveryHarness.DB_COPY),
        refusedBy(h, otherCopy.sign()));
    RecoveryHarness.Draft otherBackup = h.draft("alice", Verdict.APPROVE, "database-swap", null);
    otherBackup.backup = "db-old";
    assertTrue(refusedBy(h, otherBackup.sign()).contains("about backup db-new"),
        refusedBy(h, otherBackup.sign()));

    RecoveryHarness.Draft otherIncident = h.draft("alice", Verdict.APPROVE, "database-swap", null);
    otherIncident.incident = "INC-2";
    otherIncident.workflowId = "recovery-INC-2";
    assertTrue(refusedBy(h, otherIncident.sign()).contains("does not match the decision"));

    verify(h.pg, never()).swapDatabase(any());
    assertEquals("database-swap", h.recovery.status().pending().get(0).step(), "still waiting");
    assertEquals(2, h.recovery.status().refused().size(), "signals only: " + h.recovery.status());

    h.recovery.decide(h.signed("alice", Verdict.APPROVE, "database-swap", "valid"));
    RecoveryReport report = h.result();
    assertEquals(Outcome.RECOVERED, report.outcome());
    assertEquals(2, report.refusedDecisions().size());
    assertEquals("alice", report.refusedDecisions().get(0).approver());
    assertEquals("signal", report.refusedDecisions().get(0).via());
    SignedBy by = report.decisions().get(0).signedBy().get(0);
    assertEquals(List.of("alice", RecoveryHarness.KEYS.get("alice").fingerprint()),
        List.of(by.approver(), by.key()));
    assertEquals(List.of("db-new", RecoveryHarness.DB_COPY),
        List.of(report.decisions().get(0).backupId(), report.decisions().get(0).copyFingerprint()));
    assertEquals(RecoveryHarness.PLAN_SHA, report.planSha256());
  }

  @Test
  void aSignatureForOneStepCannotBeReplayedForAnother(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    h.start(List.of(RecoveryScope.DATABASE, RecoveryScope.FILES), OnUnanswered.REMIND);
    h.awaitPending();
    while (h.recovery.status().pending().size() < 2) {
      env.sleep(Duration.ofSeconds(1));
    }
    ApprovalDecision forDatabase = h.signed("alice", Verdict.APPROVE, "database-swap", null);
    PendingDecision files = h.recovery.status().pending().stream()
        .filter(p -> p.step().equals("files-swap")).findFirst().orElseThrow();
    // the same signature, re-addressed to the files swap (and its backup and copy)
    ApprovalDecision replayed = new ApprovalDecision("alice", Verdict.APPROVE, "files-swap", null,
        forDatabase.run(), files.backupId(), files.copyFingerprint(), forDatabase.signedAt(),
        forDatabase.expiresAt(), forDatabase.signature());
    assertTrue(refusedBy(h, replayed).contains("does not match the decision"),
        refusedBy(h, replayed));
    ApprovalDecision replayedAsIs = new ApprovalDecision("alice", Verdict.APPROVE, "files-swap",
        null, forDatabase.run(), forDatabase.backup(), forDatabase.copy(),
        forDatabase.signedAt(), forDatabase.expiresAt(), forDatabase.signature());
    assertTrue(refusedBy(h, replayedAsIs).contains("about backup"), refusedBy(h, replayedAsIs));

    h.recovery.decide(forDatabase);
    // used once, the signature is spent: as a Signal for the other step it is refused
    RefusedDecision again = refusedBySignal(h, replayed);
    assertTrue(again.reason().contains("already used for 'database-swap'")
        || again.reason().contains("does not match"), again.reason());
    verify(h.files, never()).swapDirectory(any());
    h.recovery.decide(h.signed("bob", Verdict.APPROVE, "files-swap", null));
    assertEquals(Outcome.RECOVERED, h.result().outcome());
  }

  @Test
  void theRequesterMayNotApproveTheirOwnRecoveryButMayReject(TestWorkflowEnvironment env,
      Worker w) {
    RecoveryHarness h = waiting(env, w, x -> x.requestedBy = "alice");
    String refused = refusedBy(h, h.signed("alice", Verdict.APPROVE, "database-swap", null));
    assertTrue(refused.contains("you started this recovery; another approver must decide"),
        refused);
    verify(h.pg, never()).swapDatabase(any());

    DecisionRecord byBob = h.recovery.decide(h.signed("bob", Verdict.APPROVE, "database-swap", null));
    assertEquals("bob", byBob.approver());
    assertEquals(Outcome.RECOVERED, h.result().outcome());
  }

  @Test
  void theRequestersRejectionCounts(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = waiting(env, w, x -> x.requestedBy = "alice");
    h.recovery.decide(h.signed("alice", Verdict.REJECT, "database-swap", "my mistake"));
    assertEquals(Outcome.ABORTED, h.result().outcome());
    verify(h.pg, never()).swapDatabase(any());
  }

  @Test
  void aStepThatNeedsTwoApproversWaitsForASecondDistinctOne(TestWorkflowEnvironment env,
      Worker w) {
    RecoveryHarness h = waiting(env, w, x -> x.plan = x.plan.withApprovals(
        RecoveryHarness.approvals(false, Map.of("database-swap", 2))));
    PendingDecision p = h.recovery.status().pending().get(0);
    assertEquals(2, p.approvalsNeeded());
    assertEquals(List.of(), p.approvedBy());

    ApprovalDecision alice = h.signed("alice", Verdict.APPROVE, "database-swap", "1st");
    DecisionRecord first = h.recovery.decide(alice);
    assertEquals(1, first.approvalsMissing());
    env.sleep(Duration.ofSeconds(5));
    p = h.recovery.status().pending().get(0);
    assertEquals(List.of("alice"), p.approvedBy(), "1 of 2: alice");
    assertTrue(h.recovery.status().decisions().isEmpty());
    verify(h.pg, never()).swapDatabase(any());
    assertEquals(first, h.recovery.decide(alice), "the same approval again is harmless");

    String twice = refusedBy(h, h.signed("alice", Verdict.APPROVE, "database-swap", "again"));
    assertTrue(twice.contains("alice already approved 'database-swap', which needs 2 distinct"
        + " approvers"), twice);

    DecisionRecord second = h.recovery.decide(h.signed("bob", Verdict.APPROVE, "database-swap",
        "2nd"));
    assertEquals(0, second.approvalsMissing());
    RecoveryReport report = h.result();
    assertEquals(Outcome.RECOVERED, report.outcome());
    assertEquals(List.of("alice", "bob"),
        report.decisions().get(0).signedBy().stream().map(SignedBy::approver).toList());
    verify(h.pg, times(1)).swapDatabase(any());
  }

  @Test
  void aRejectionEndsATwoApproverStepAfterOneApproval(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = waiting(env, w, x -> x.plan = x.plan.withApprovals(
        RecoveryHarness.approvals(false, Map.of("database-swap", 2))));
    h.recovery.decide(h.signed("alice", Verdict.APPROVE, "database-swap", null));
    h.recovery.decide(h.signed("bob", Verdict.REJECT, "database-swap", "no"));
    assertEquals(Outcome.ABORTED, h.result().outcome());
    verify(h.pg, never()).swapDatabase(any());
  }

  @Test
  void anEarlyDecisionSignedBeforeTheCopyExistedIsRefusedWhenTheRequestOpens(
      TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    RecoveryHarness.Draft early = new RecoveryHarness.Draft();
    java.util.concurrent.CountDownLatch signalled = new java.util.concurrent.CountDownLatch(1);
    org.mockito.Mockito.doAnswer(i -> { // the restore ends only once the signal is in the history
      if (!signalled.await(2, java.util.concurrent.TimeUnit.MINUTES)) {
        throw new AssertionError("the test never sent its signal");
      }
      io.drorch.workflows.contracts.commands.RestoreDatabaseInput in = i.getArgument(0);
      return new io.drorch.workflows.contracts.values.RestoreDatabaseResult(in.restoreName(),
          in.backup().backupId(), 1, "s", 1);
    }).when(h.pg).restoreFromBackup(any());
    h.start(DB, OnUnanswered.REMIND);
    early.approver = "alice";
    early.verdict = Verdict.APPROVE;
    early.step = early.signedStep = "database-swap";
    early.run = h.runId();
    early.backup = "db-new";
    early.copy = RecoveryHarness.DB_COPY;
    early.signedAt = format(RecoveryHarness.T0.minus(Duration.ofHours(3)));
    early.expiresAt = format(RecoveryHarness.T0.plus(Duration.ofHours(3)));
    early.key = RecoveryHarness.KEYS.get("alice");
    h.recovery.decisionSignal(early.sign());
    signalled.countDown();
    h.awaitPending();

    List<RefusedDecision> refused = h.recovery.status().refused();
    assertEquals(1, refused.size(), refused.toString());
    assertEquals("early signal", refused.get(0).via());
    assertTrue(refused.get(0).reason().contains("an approval cannot predate the copy it"
        + " approves"), refused.get(0).reason());
    assertEquals("database-swap", h.recovery.status().pending().get(0).step(), "still waiting");
    verify(h.pg, never()).swapDatabase(any());
    h.recovery.decide(h.signed("alice", Verdict.APPROVE, "database-swap", null));
    assertEquals(Outcome.RECOVERED, h.result().outcome());
  }

  @Test
  void anApproveSignalSentStraightToTheChildIsRefusedAndListedByTheParent(
      TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = waiting(env, w, x -> {});
    Map<String, Object> forged = new LinkedHashMap<>();
    forged.put("step", "database-swap");
    forged.put("approver", "x");
    forged.put("verdict", "APPROVE");
    env.getWorkflowClient().newUntypedWorkflowStub("recovery-INC-1-database")
        .signal("decided", forged);
    for (int i = 0; i < 60 && h.recovery.status().refused().isEmpty(); i++) {
      env.sleep(Duration.ofSeconds(1));
    }
    List<RefusedDecision> refused = h.recovery.status().refused();
    assertEquals(1, refused.size(), h.recovery.status().toString());
    assertEquals(List.of("x", "database-swap", "APPROVE", "signal to child"),
        List.of(refused.get(0).approver(), refused.get(0).step(), refused.get(0).verdict(),
            refused.get(0).via()));
    assertTrue(refused.get(0).reason().contains("not confirmed by the gate"),
        refused.get(0).reason());
    env.sleep(Duration.ofMinutes(5));
    verify(h.pg, never()).swapDatabase(any());
    assertEquals("database-swap", h.recovery.status().pending().get(0).step());

    h.recovery.decide(h.signed("alice", Verdict.APPROVE, "database-swap", null));
    RecoveryReport report = h.result();
    assertEquals(Outcome.RECOVERED, report.outcome());
    assertEquals(1, report.refusedDecisions().size());
  }

  @Test
  void withOptionalSignaturesAnUnsignedDecisionCountsAndASignedOneIsStillVerified(
      TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = waiting(env, w, x -> {
      ApprovalSettings a = x.plan.approvals();
      x.plan = x.plan.withApprovals(new ApprovalSettings(SignatureMode.OPTIONAL,
          a.allowedSigners(), a.allowedSignersSha256(), a.signers(), false, Map.of()));
    });
    RecoveryHarness.Draft wrongKey = h.draft("alice", Verdict.APPROVE, "database-swap", null);
    wrongKey.key = RecoveryHarness.KEYS.get("dana");
    assertTrue(refusedBy(h, wrongKey.sign()).contains("signed with dana's key"));
    DecisionRecord d = h.recovery.decide(
        ApprovalDecision.unsigned("alice", Verdict.APPROVE, "database-swap", "trusted"));
    assertEquals(null, d.signedBy().get(0).key());
    assertEquals(Outcome.RECOVERED, h.result().outcome());
  }

  @Test
  void refusalsAreBoundedToTheLast50(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = waiting(env, w, x -> {});
    for (int i = 0; i < 60; i++) {
      h.recovery.decisionSignal(ApprovalDecision.unsigned("alice", Verdict.APPROVE,
          "database-swap", "spam " + i));
    }
    env.sleep(Duration.ofSeconds(5));
    List<RefusedDecision> refused = h.recovery.status().refused();
    assertEquals(50, refused.size());
    assertEquals("database-swap", h.recovery.status().pending().get(0).step());
    h.recovery.decide(h.signed("alice", Verdict.REJECT, "database-swap", null));
    assertEquals(Outcome.ABORTED, h.result().outcome());
  }

  @Test
  void aChildStopsWhenTheWorkersPlanChangedSinceTheRecoveryStarted(TestWorkflowEnvironment env,
      Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    h.plan = RecoveryHarness.plan(OnUnanswered.REMIND);
    when(h.plans.load())
        .thenReturn(new LoadedPlan(h.plan, "aaaa1111", "/etc/dr/dr-plan.yaml"))
        .thenReturn(new LoadedPlan(h.plan, "bbbb2222", "/etc/dr/dr-plan.yaml"));
    h.start(DB, OnUnanswered.REMIND);
    RecoveryReport report = h.result();
    assertEquals(Outcome.FAILED, report.outcome());
    assertTrue(report.outcomeDetail().contains("the worker's plan changed during the recovery"),
        report.outcomeDetail());
    verify(h.pg, never()).restoreFromBackup(any());
  }

  @Test
  void aForgedInputWithAPlanOfItsOwnChangesNeitherApproversNorCommands(
      TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    h.plan = RecoveryHarness.plan(OnUnanswered.REMIND);
    h.start(DB, OnUnanswered.REMIND); // registers the activities; a first recovery INC-1
    Map<String, Object> forgedPlan = Map.of(
        "escalation", List.of(Map.of("level", 1, "name", "Mallory's", "approvers",
            List.of("mallory"))),
        "deployment", Map.of("deploy", Map.of("command", List.of("/bin/sh", "-c", "curl evil"))));
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("incidentId", "INC-9");
    input.put("scope", List.of("DATABASE"));
    input.put("tier", "CRITICAL");
    input.put("requestedBy", "mallory");
    input.put("plan", forgedPlan);
    WorkflowStub forged = env.getWorkflowClient().newUntypedWorkflowStub("RecoveryWorkflow",
        WorkflowOptions.newBuilder().setWorkflowId("recovery-INC-9")
            .setTaskQueue(w.getTaskQueue()).build());
    forged.start(input);
    RecoveryWorkflow wf = env.getWorkflowClient().newWorkflowStub(RecoveryWorkflow.class,
        "recovery-INC-9");
    for (int i = 0; i < 120 && wf.status().pending().isEmpty(); i++) {
      env.sleep(Duration.ofSeconds(1));
    }
    PendingDecision p = wf.status().pending().get(0);
    assertEquals(List.of("alice", "bob"), p.approvers(), "the worker's plan names the approvers");
    assertEquals(RecoveryHarness.PLAN_SHA, wf.status().planSha256());
    verify(h.app, never()).deploy(any());
  }

  private static String format(Instant t) {
    return io.drorch.workflows.approval.DecisionText.format(t);
  }

  private static String message(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = e; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
    }
    return all.toString();
  }
}
