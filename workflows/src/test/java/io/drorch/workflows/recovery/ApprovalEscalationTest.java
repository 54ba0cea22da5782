package io.drorch.workflows.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.drorch.workflows.common.DrError;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.UiMetadata;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.commands.EscalateRequest;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.commands.RestoreDatabaseInput;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.values.DecisionKind;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RestoreDatabaseResult;
import io.drorch.workflows.contracts.values.Verdict;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The approval gate and escalation, with time skipping and mocked activities. */
class ApprovalEscalationTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = RecoveryHarness.extension();

  static final List<RecoveryScope> DB = List.of(RecoveryScope.DATABASE);

  @Test
  void escalatesToLevel2WhenLevel1DoesNotAnswerIn30Minutes(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    h.awaitPending();
    assertEquals(1, r.status().pending().get(0).level());
    assertEquals(1, h.events("approval-needed").get(0).level());
    assertEquals(List.of("infra@example.com"), h.events("approval-needed").get(0).contacts());

    java.time.Instant opened = r.status().pending().get(0).openedAt();
    env.sleep(Duration.between(java.time.Instant.ofEpochMilli(env.currentTimeMillis()),
        opened.plus(Duration.ofMinutes(29))));
    assertEquals(1, r.status().pending().get(0).level());
    assertTrue(h.events("escalated").isEmpty());
    env.sleep(Duration.ofMinutes(2));

    assertEquals(2, r.status().pending().get(0).level());
    Notification escalated = h.events("escalated").get(0);
    assertEquals(2, escalated.level());
    assertEquals(List.of("lead@example.com"), escalated.contacts());
    Duration afterOpening = Duration.between(opened, escalated.at());
    assertTrue(afterOpening.compareTo(Duration.ofMinutes(30)) >= 0
        && afterOpening.compareTo(Duration.ofMinutes(30).plusSeconds(5)) < 0, afterOpening.toString());

    DecisionRecord d = r.decide(h.signed("dana", Verdict.APPROVE, null, "go"));
    assertEquals(2, d.level());
    RecoveryReport report = h.result();
    assertEquals(Outcome.RECOVERED, report.outcome());
    verify(h.pg, times(1)).swapDatabase(any());
  }

  @Test
  void allFourLevelsSilentMeansRemindersAndNoDestructiveStep(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    h.awaitPending();

    env.sleep(Duration.ofHours(8));

    assertEquals(4, r.status().pending().get(0).level());
    assertEquals(List.of(2, 3, 4),
        h.events("escalated").stream().map(Notification::level).toList());
    assertTrue(h.events("reminder").size() >= 3, h.events("reminder").toString());
    verify(h.pg, never()).swapDatabase(any());
    assertTrue(r.status().decisions().isEmpty());

    r.decide(h.signed("erin", Verdict.REJECT, "database-swap", "not now"));
    RecoveryReport report = h.result();
    assertEquals(Outcome.ABORTED, report.outcome());
    verify(h.pg, never()).swapDatabase(any());
  }

  @Test
  void planMayAbortWhenNobodyAnswersAfterTheLastLevel(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    // reminders every 10 min, the last level's own timeout 1 h: the abort waits for the latter
    h.plan = RecoveryHarness.plan(OnUnanswered.ABORT, List.of(Duration.ofMinutes(30),
        Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(1)), Duration.ofMinutes(10));
    h.start(DB, OnUnanswered.ABORT);
    RecoveryReport report = h.result();
    assertEquals(Outcome.ABORTED, report.outcome());
    DecisionRecord abort = report.decisions().get(0);
    assertEquals("system", abort.approver());
    assertEquals(Verdict.REJECT, abort.verdict());
    assertEquals(4, abort.level(), "taken at the last level");
    assertEquals(List.of(2, 3, 4),
        h.events("escalated").stream().map(Notification::level).toList(), "every level asked");
    Notification atLast = h.events("escalated").get(2);
    assertAbout(Duration.ofHours(1), Duration.between(atLast.at(), abort.at()));
    verify(h.pg, never()).swapDatabase(any());
  }

  @Test
  void rtoEscalatesWhenLevelTimeoutsAreLongerAndTheAbortWaitsForTheLastLevelsTimeout(
      TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    h.plan = RecoveryHarness.plan(OnUnanswered.ABORT, List.of(Duration.ofHours(5),
        Duration.ofHours(5), Duration.ofHours(5), Duration.ofHours(5)), Duration.ofMinutes(10));
    RecoveryWorkflow r = h.start(DB, OnUnanswered.ABORT);
    h.awaitPending();
    Instant incident = h.incidentAt();
    h.awaitVirtual(() -> r.status().outcome() != null, Duration.ofMinutes(1),
        Duration.ofHours(16), "the recovery ended");
    RecoveryReport report = h.result();

    List<Notification> escalated = h.events("escalated");
    assertEquals(List.of(2, 3, 4), escalated.stream().map(Notification::level).toList());
    // the RTO (4 h) drives levels 2 and 3; level 3's own 5 h timeout drives level 4
    assertAbout(Duration.ofHours(2), Duration.between(incident, escalated.get(0).at()));
    assertAbout(Duration.ofMinutes(192), Duration.between(incident, escalated.get(1).at()));
    assertAbout(Duration.ofMinutes(192).plusHours(5),
        Duration.between(incident, escalated.get(2).at()));
    assertTrue(h.events("reminder").isEmpty(), "the plan aborts instead of reminding");
    assertEquals(Outcome.ABORTED, report.outcome());
    DecisionRecord abort = report.decisions().get(0);
    assertEquals("system", abort.approver());
    assertAbout(Duration.ofMinutes(192).plusHours(10), Duration.between(incident, abort.at()));
    verify(h.pg, never()).swapDatabase(any());
  }

  @Test
  void asOfChoosesTheNewestBackupBeforeItAndTheRtoCountsFromTheIncidentTime(
      TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    Instant incidentAt = RecoveryHarness.T0.minus(Duration.ofHours(1));
    // db-new was taken 40 min before T0, db-old 25 h before: as of 2 h before T0, db-old
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND,
        RecoveryHarness.T0.minus(Duration.ofHours(2)), incidentAt);
    h.awaitPending();
    assertEquals("db-old", r.status().pending().get(0).backupId());
    assertEquals(incidentAt.plus(Duration.ofHours(4)), r.status().rtoDeadline(),
        "the RTO counts from --incident-at, not from the start");
    // 50 % of the RTO is 2 h after the incident: 1 h after the start
    h.awaitVirtual(() -> !h.events("rto-50").isEmpty(), Duration.ofMinutes(1),
        Duration.ofHours(2), "the 50 % alert");
    assertAbout(Duration.ofHours(2), Duration.between(incidentAt, h.events("rto-50").get(0).at()));
    r.decide(h.signed("erin", Verdict.APPROVE, null, null));

    RecoveryReport report = h.result();
    assertEquals(Outcome.RECOVERED, report.outcome());
    assertEquals("db-old", report.backups().get(0).backupId());
    assertEquals(incidentAt, report.incidentAt());
    assertEquals(Duration.ofHours(24), report.rpoAchieved().get("database"),
        "RPO: from the backup to the incident");
    verify(h.pg).restoreFromBackup(org.mockito.ArgumentMatchers.argThat(
        in -> in.backup().backupId().equals("db-old")));
  }

  @Test
  void approvalSentBeforeTheGateOpensIsKept(TestWorkflowEnvironment env, Worker w)
      throws InterruptedException {
    RecoveryHarness h = new RecoveryHarness(env, w);
    // the restore waits until the approval is in the history: it arrives before the gate opens
    java.util.concurrent.CountDownLatch signalled = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch restoring = new java.util.concurrent.CountDownLatch(1);
    org.mockito.Mockito.doAnswer(i -> {
      RestoreDatabaseInput in = i.getArgument(0);
      restoring.countDown();
      if (!signalled.await(2, java.util.concurrent.TimeUnit.MINUTES)) {
        throw new AssertionError("the test never sent its signal");
      }
      return new RestoreDatabaseResult(in.restoreName(), in.backup().backupId(), 1, "s", 1);
    }).when(h.pg).restoreFromBackup(any());
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    assertTrue(restoring.await(2, java.util.concurrent.TimeUnit.MINUTES), "restore never began");
    assertTrue(r.status().pending().isEmpty(), "nothing asks yet while the restore runs");
    // signed before the request exists, naming what it will be about: the run, the newest
    // backup and the fingerprint its verified copy will have
    RecoveryHarness.Draft early = new RecoveryHarness.Draft();
    early.approver = "alice";
    early.verdict = Verdict.APPROVE;
    early.step = early.signedStep = "database-swap";
    early.comment = "pre-approved";
    early.run = h.runId();
    early.backup = "db-new";
    early.copy = RecoveryHarness.DB_COPY;
    early.signedAt = "2026-11-26T10:00:00Z";
    early.expiresAt = "2026-11-26T11:00:00Z";
    early.key = RecoveryHarness.KEYS.get("alice");
    r.decisionSignal(early.sign()); // returns once the signal is in the history
    signalled.countDown();

    RecoveryReport report = h.result();

    assertEquals(Outcome.RECOVERED, report.outcome());
    assertEquals("alice", report.decisions().get(0).approver());
    assertEquals("pre-approved", report.decisions().get(0).comment());
    assertTrue(h.events("escalated").isEmpty() && h.events("reminder").isEmpty(),
        "taken when the step opened, nobody was chased");
    assertEquals(h.events("approval-needed").get(0).at(), report.decisions().get(0).at(),
        "decided the moment the gate opened");
    verify(h.pg, times(1)).swapDatabase(any());
  }

  @Test
  void duplicateApprovalIsHarmless(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    h.awaitPending();
    ApprovalDecision ok = h.signed("alice", Verdict.APPROVE, "database-swap", "ok");
    DecisionRecord first = r.decide(ok);
    DecisionRecord again = r.decide(ok);
    r.decisionSignal(ok);

    RecoveryReport report = h.result();
    assertEquals(first, again);
    assertEquals(1, report.decisions().size());
    assertEquals(List.of(), report.refusedDecisions(), "an identical repeat is not a refusal");
    verify(h.pg, times(1)).swapDatabase(any());
  }

  @Test
  void validatorRejectsUnknownUnauthorizedAndWrongDecisions(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);

    WorkflowUpdateException nothing = assertThrows(WorkflowUpdateException.class,
        () -> r.decide(ApprovalDecision.unsigned("alice", Verdict.APPROVE, null, null)));
    assertTrue(message(nothing).contains("nothing is waiting"), message(nothing));

    h.awaitPending();
    env.sleep(Duration.ofMinutes(31)); // now at level 2

    WorkflowUpdateException unknown = assertThrows(WorkflowUpdateException.class,
        () -> r.decide(ApprovalDecision.unsigned("mallory", Verdict.APPROVE, null, null)));
    assertTrue(message(unknown).contains("unknown approver 'mallory'"), message(unknown));
    WorkflowUpdateException tooLow = assertThrows(WorkflowUpdateException.class,
        () -> r.decide(h.signed("alice", Verdict.APPROVE, null, null)));
    assertTrue(message(tooLow).contains("level 2 or above"), message(tooLow));
    WorkflowUpdateException wrongVerdict = assertThrows(WorkflowUpdateException.class,
        () -> r.decide(h.signed("carol", Verdict.RETRY, null, null)));
    assertTrue(message(wrongVerdict).contains("APPROVE or REJECT"), message(wrongVerdict));
    verify(h.pg, never()).swapDatabase(any());

    ApprovalDecision danaRejects = h.signed("dana", Verdict.REJECT, "database-swap", null);
    r.decide(h.signed("carol", Verdict.APPROVE, null, "CTO approves")); // higher level
    WorkflowUpdateException late = assertThrows(WorkflowUpdateException.class,
        () -> r.decide(danaRejects));
    assertTrue(message(late).contains("already decided"), message(late));
    assertEquals(Outcome.RECOVERED, h.result().outcome());
  }

  @Test
  void rejectionAbortsWithoutTouchingTheLiveData(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    RecoveryWorkflow r = h.start(List.of(RecoveryScope.DATABASE, RecoveryScope.FILES,
        RecoveryScope.APPLICATION), OnUnanswered.REMIND);
    h.awaitPending();
    h.awaitVirtual(() -> r.status().pending().size() >= 2, Duration.ofMinutes(1),
        Duration.ofHours(1), "both swaps pending");
    WorkflowUpdateException ambiguous = assertThrows(WorkflowUpdateException.class,
        () -> r.decide(ApprovalDecision.unsigned("alice", Verdict.REJECT, null, null)));
    assertTrue(message(ambiguous).contains("name the step"), message(ambiguous));

    r.decide(h.signed("alice", Verdict.REJECT, "database-swap", "wrong backup"));
    r.decide(h.signed("bob", Verdict.APPROVE, "files-swap", null));

    RecoveryReport report = h.result();
    assertEquals(Outcome.ABORTED, report.outcome());
    verify(h.pg, never()).swapDatabase(any());
    verify(h.files, times(1)).swapDirectory(any());
    verify(h.app, never()).deploy(any());
    assertTrue(report.outcomeDetail().contains("live database was not touched"),
        report.outcomeDetail());
  }

  @Test
  void manualEscalationRaisesThePendingDecision(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    h.awaitPending();
    r.escalate(new EscalateRequest("alice", "I am on a plane"));
    // the pending list is briefly empty while the escalation re-opens the decision one level higher
    // and its notification is an activity that may run a moment after the status shows level 2
    h.awaitVirtual(() -> r.status().pending().stream().anyMatch(p -> p.level() == 2)
            && !h.events("escalated").isEmpty(),
        Duration.ofSeconds(1),
        Duration.ofSeconds(30), "raised to level 2 and the escalation sent");
    assertEquals(2, h.events("escalated").get(0).level());
    r.decide(h.signed("dana", Verdict.APPROVE, null, null));
    assertEquals(Outcome.RECOVERED, h.result().outcome());
  }

  @Test
  void rtoAlertsFireAt50And80And100PercentOfVirtualTime(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    // level timeouts longer than the RTO: only the RTO watch raises the pending decision
    h.plan = RecoveryHarness.plan(OnUnanswered.REMIND, List.of(Duration.ofHours(10),
        Duration.ofHours(10), Duration.ofHours(10), Duration.ofHours(10)), Duration.ofHours(1));
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    h.awaitPending();
    Instant incident = h.incidentAt();
    int[] levelAt = new int[4];
    Duration[] probes = {Duration.ofMinutes(119), Duration.ofMinutes(121),
        Duration.ofMinutes(191), Duration.ofMinutes(193)};
    for (int i = 0; i < probes.length; i++) {
      Instant until = incident.plus(probes[i]);
      env.sleep(Duration.between(Instant.ofEpochMilli(env.currentTimeMillis()), until));
      levelAt[i] = r.status().pending().get(0).level();
    }
    assertEquals(List.of(1, 2, 2, 3), java.util.Arrays.stream(levelAt).boxed().toList(),
        "one level up at 50 % and at 80 % of the RTO");
    env.sleep(Duration.between(Instant.ofEpochMilli(env.currentTimeMillis()),
        incident.plus(Duration.ofHours(4).plusMinutes(5))));

    assertAbout(Duration.ofHours(2), h.sinceIncident(h.events("rto-50").get(0)));
    assertAbout(Duration.ofMinutes(192), h.sinceIncident(h.events("rto-80").get(0)));
    assertAbout(Duration.ofHours(4), h.sinceIncident(h.events("rto-breached").get(0)));
    assertEquals(3, r.status().pending().get(0).level(), "the breach itself does not escalate");
    assertTrue(r.status().secondsLeftToRto() < 0);
    // quiet waits: while a decision is pending, progress is daily; the escalations keep the
    // approvers informed, and reminders only start after the last level (not reached here)
    assertTrue(h.events("progress").size() <= 1, "quiet progress while pending: "
        + h.events("progress").size());
    assertEquals(List.of(), h.events("reminder"), "no reminder before the last level");

    r.decide(h.signed("erin", Verdict.APPROVE, null, null));
    RecoveryReport report = h.result();
    assertTrue(report.rtoAchieved().compareTo(report.rtoObjective()) > 0);
    assertEquals(Duration.between(RecoveryHarness.T0.minus(Duration.ofMinutes(40)),
        report.incidentAt()), report.rpoAchieved().get("database"));
  }

  @Test
  void failedStepAsksForADecisionAndRetryRunsItAgain(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    AtomicInteger calls = new AtomicInteger();
    org.mockito.Mockito.doAnswer(i -> {
      if (calls.incrementAndGet() == 1) { // non-retryable: the activity is not retried by itself
        throw DrError.TOOL_MISSING.failure("pg_restore not found");
      }
      RestoreDatabaseInput in = i.getArgument(0);
      return new RestoreDatabaseResult(in.restoreName(), in.backup().backupId(), 1, "s", 1);
    }).when(h.pg).restoreFromBackup(any());
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    h.awaitPending();
    var pending = r.status().pending().get(0);
    assertEquals(DecisionKind.STEP_FAILED, pending.kind());
    assertEquals("database-restore-failed-1", pending.step());
    assertTrue(pending.description().contains("pg_restore not found"), pending.description());

    r.decide(h.signed("alice", Verdict.RETRY, null, "installed it"));
    h.awaitVirtual(() -> !r.status().pending().isEmpty(), Duration.ofSeconds(10),
        Duration.ofHours(1), "the swap asks after the retried restore");
    assertEquals("database-swap", r.status().pending().get(0).step());
    r.decide(h.signed("alice", Verdict.APPROVE, null, null));

    assertEquals(Outcome.RECOVERED, h.result().outcome());
    assertEquals(2, calls.get()); // the failure, then the retry the human asked for
  }

  @Test
  void corruptNewestBackupIsReportedAndThePreviousOneUsed(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    org.mockito.Mockito.doAnswer(i -> {
      RestoreDatabaseInput in = i.getArgument(0);
      if (in.backup().backupId().equals("db-new")) {
        throw DrError.CHECKSUM_MISMATCH.failure("SHA-256 differs: the stored object is corrupt");
      }
      return new RestoreDatabaseResult(in.restoreName(), in.backup().backupId(), 1, "s", 1);
    }).when(h.pg).restoreFromBackup(any());
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    h.awaitPending();
    r.decide(h.signed("alice", Verdict.APPROVE, null, null));

    RecoveryReport report = h.result();
    assertEquals(Outcome.RECOVERED, report.outcome());
    assertEquals("db-old", report.backups().get(0).backupId());
    assertTrue(report.backups().get(0).rejected().get(0).startsWith("db-new: SHA-256 differs"));
    assertEquals(Duration.between(RecoveryHarness.T0.minus(Duration.ofHours(25)),
        report.incidentAt()), report.rpoAchieved().get("database"));
  }

  /** Tampered with between approval and swap: not swapped, restored again, asked again. */
  @Test
  void aCopyThatChangedAfterItsApprovalIsRestoredAgainAndAskedAgain(TestWorkflowEnvironment env,
      Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    AtomicInteger swaps = new AtomicInteger();
    org.mockito.Mockito.doAnswer(i -> {
      if (swaps.incrementAndGet() == 1) {
        throw DrError.COPY_CHANGED.failure("The restored database changed after it was approved");
      }
      return new io.drorch.workflows.contracts.values.SwapDatabaseResult("docs", "docs_pre");
    }).when(h.pg).swapDatabase(any());
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    h.awaitPending();
    assertEquals("database-swap", r.status().pending().get(0).step());
    r.decide(h.signed("alice", Verdict.APPROVE, null, null));
    while (r.status().pending().isEmpty()) {
      env.sleep(Duration.ofMinutes(1));
    }
    assertEquals("database-swap-2", r.status().pending().get(0).step(), "asked again");
    r.decide(h.signed("alice", Verdict.APPROVE, null, null));
    RecoveryReport report = h.result();
    assertEquals(Outcome.RECOVERED, report.outcome(), report.toString());
    verify(h.pg, times(2)).restoreFromBackup(any());
    verify(h.pg, times(2)).swapDatabase(any());
    assertTrue(report.toString().contains("changed after it was approved"), report.toString());
  }

  /** A missing backup object and a refused archive pass the candidate over, never ask RETRY. */
  @Test
  void missingOrRefusedNewestBackupIsPassedOverForThePreviousOne(TestWorkflowEnvironment env,
      Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    org.mockito.Mockito.doAnswer(i -> {
      RestoreDatabaseInput in = i.getArgument(0);
      if (in.backup().backupId().equals("db-new")) {
        throw DrError.BACKUP_NOT_FOUND.failure("Backup object x is missing from bucket 'b'");
      }
      return new RestoreDatabaseResult(in.restoreName() + "_a1", in.backup().backupId(), 1, "s", 1);
    }).when(h.pg).restoreFromBackup(any());
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    h.awaitPending();
    assertEquals("database-swap", r.status().pending().get(0).step(), "asked RETRY instead");
    r.decide(h.signed("alice", Verdict.APPROVE, null, null));
    RecoveryReport report = h.result();
    assertEquals(Outcome.RECOVERED, report.outcome());
    assertEquals("db-old", report.backups().get(0).backupId());
    assertTrue(report.backups().get(0).rejected().get(0).startsWith("db-new: Backup object x"),
        report.backups().get(0).rejected().toString());
  }

  @Test
  void aRefusedArchiveIsNeverOfferedRetry(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    org.mockito.Mockito.doAnswer(i -> {
      throw DrError.UNSAFE_ARCHIVE.failure("entry '../etc/passwd' escapes the staging directory");
    }).when(h.files).restoreToStaging(any());
    // ABORT when unanswered: had it asked RETRY / SKIP / ABORT, nobody answers and it aborts
    h.start(List.of(RecoveryScope.FILES), OnUnanswered.ABORT);
    RecoveryReport report = h.result();
    assertEquals(Outcome.FAILED, report.outcome(), report.toString());
    assertTrue(report.toString().contains("every candidate backup is corrupt, missing or refused:"
        + " files-new: entry '../etc/passwd' escapes the staging directory"), report.toString());
  }

  @Test
  void searchAttributesAndSummariesFollowTheGateForTheWebUi(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    WorkflowClient c = env.getWorkflowClient();
    String id = "recovery-INC-1";
    h.awaitPending();
    assertEquals("recovery", UiMetadata.current(c, id, SearchAttributes.DR_KIND));
    assertEquals("INC-1", UiMetadata.current(c, id, SearchAttributes.DR_INCIDENT));
    assertEquals(1L, UiMetadata.current(c, id, SearchAttributes.DR_AWAITING_LEVEL));

    env.sleep(Duration.ofMinutes(31));
    assertEquals(2L, UiMetadata.current(c, id, SearchAttributes.DR_AWAITING_LEVEL));
    r.decide(h.signed("dana", Verdict.APPROVE, null, null));
    assertEquals(Outcome.RECOVERED, h.result().outcome());

    assertEquals(0L, UiMetadata.current(c, id, SearchAttributes.DR_AWAITING_LEVEL));
    assertEquals(List.of(0L, 1L, 2L, 0L),
        UiMetadata.history(c, id, SearchAttributes.DR_AWAITING_LEVEL));
    assertEquals("finished: RECOVERED", UiMetadata.current(c, id, SearchAttributes.DR_PHASE));
    List<String> phases = UiMetadata.history(c, id, SearchAttributes.DR_PHASE);
    assertEquals(List.of("starting", "load-plan", "select-backups", "recover-data"),
        phases.subList(0, 4));
    assertTrue(phases.contains("database-swap"), phases.toString());

    String child = id + "-database";
    assertEquals("recovery", UiMetadata.current(c, child, SearchAttributes.DR_KIND));
    assertEquals("INC-1", UiMetadata.current(c, child, SearchAttributes.DR_INCIDENT));
    assertEquals(List.of("starting", "database-restore", "database-integrity",
            "awaiting-decision:database-swap", "database-swap", "finished: RECOVERED"),
        UiMetadata.history(c, child, SearchAttributes.DR_PHASE));
    assertEquals(List.of(
            "read the worker's plan (dr-plan.yaml): approvers, keys, commands, paths, hosts",
            "download, verify and pg_restore db-new into docs_restore_inc_1_c1bcc9_a<N>",
            "verify docs_restore_inc_1_c1bcc9_a1: row counts against backup db-new, Flyway validate,"
                + " 0 SQL checks",
            "ask the approval gate of recovery-INC-1 what was decided on database-swap",
            "rename docs_restore_inc_1_c1bcc9_a1 → docs, keeping the old one as docs_pre_inc_1_c1bcc9"),
        UiMetadata.activitySummaries(c, child));

    List<String> parentActivities = UiMetadata.activitySummaries(c, id);
    assertTrue(parentActivities.stream().noneMatch(String::isEmpty), parentActivities.toString());
    assertTrue(parentActivities.contains("list the backups in s3://dr-backups/ai-docs/"));
    List<String> timers = UiMetadata.timerSummaries(c, id);
    assertTrue(timers.contains("wait for level 1 Infrastructure Team approval on database-swap"
        + " (30 min, then escalate)"), timers.toString());
    assertTrue(timers.contains("wait for level 2 Development Team Lead approval on database-swap"
        + " (30 min, then escalate)"), timers.toString());
    assertTrue(timers.stream().noneMatch(String::isEmpty), timers.toString());
  }

  @Test
  void aFailingChannelNeverFailsTheRecoveryAndIsRecordedInTheReport(
      TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    AtomicInteger attempts = new AtomicInteger();
    org.mockito.Mockito.doAnswer(i -> {
      Notification n = i.getArgument(0);
      if (n.event().equals("incident-opened")) {
        attempts.incrementAndGet();
        throw DrError.NOTIFY_FAILED.failure("webhook answered 500");
      }
      h.sent.add(n);
      return null;
    }).when(h.notify).send(any());
    RecoveryWorkflow r = h.start(DB, OnUnanswered.REMIND);
    h.awaitPending();
    r.decide(h.signed("alice", Verdict.APPROVE, null, null));

    RecoveryReport report = h.result();
    assertEquals(Outcome.RECOVERED, report.outcome());
    assertEquals(3, attempts.get(), "retried by the activity's retry policy");
    var failed = report.notifications().stream()
        .filter(n -> n.event().equals("incident-opened")).findFirst().orElseThrow();
    assertTrue(!failed.delivered() && failed.error().contains("webhook answered 500"),
        failed.toString());
  }

  /**
   * Virtual durations between two workflow times: a timer starts when the server records it, a
   * workflow task after the time it was computed from, so a loaded machine adds a few seconds;
   * every bug these tests look for is off by minutes.
   */
  private static void assertAbout(Duration expected, Duration actual) {
    assertTrue(!actual.minus(expected).isNegative()
        && actual.minus(expected).compareTo(Duration.ofSeconds(15)) < 0,
        "expected about " + expected + " but was " + actual);
  }

  private static String message(WorkflowUpdateException e) {
    Throwable c = e;
    StringBuilder all = new StringBuilder();
    while (c != null) {
      all.append(c.getMessage()).append(" | ");
      c = c.getCause();
    }
    return all.toString();
  }
}
