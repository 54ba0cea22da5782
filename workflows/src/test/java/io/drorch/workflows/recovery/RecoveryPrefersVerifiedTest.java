package io.drorch.workflows.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.drorch.workflows.contracts.commands.RestoreDatabaseInput;
import io.drorch.workflows.contracts.plan.Objectives;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RestoreTestOutcome;
import io.drorch.workflows.contracts.values.RestoreVerification;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

/**
 * Recoveries prefer backups proven restorable (verify-by-restore): the newest verified backup
 * within the RPO of the newest goes first, FAILED_RESTORE backups go last.
 */
class RecoveryPrefersVerifiedTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = RecoveryHarness.extension();

  static final Instant T0 = RecoveryHarness.T0;
  static final Objectives OBJECTIVES = new Objectives(Duration.ofHours(4), Duration.ofHours(24),
      Duration.ofHours(1), Duration.ofHours(24));

  static StoredBackup stored(String id, Duration age, RestoreTestOutcome outcome) {
    StoredBackup b = RecoveryHarness.stored(BackupKind.DATABASE, id, T0.minus(age));
    return outcome == null ? b : new StoredBackup(b.manifest(), b.manifestKey(), b.state(),
        new RestoreVerification(outcome, T0, "verify-" + id, null));
  }

  static List<String> order(StoredBackup... backups) {
    return RecoveryWorkflowImpl.preferVerified(new BackupCatalog(List.of(backups), List.of()),
        null, OBJECTIVES).get(BackupKind.DATABASE).stream().map(BackupManifest::backupId).toList();
  }

  @Test
  void theVerifiedBackupWithinTheRpoGoesFirstFailedOnesLast() {
    assertEquals(List.of("db-verified", "db-newest", "db-older"), order(
        stored("db-newest", Duration.ofMinutes(5), null),
        stored("db-verified", Duration.ofMinutes(50), RestoreTestOutcome.VERIFIED_BY_RESTORE),
        stored("db-older", Duration.ofHours(3), null)));
    assertEquals(List.of("db-ok", "db-bad"), order(
        stored("db-bad", Duration.ofMinutes(5), RestoreTestOutcome.FAILED_RESTORE),
        stored("db-ok", Duration.ofHours(30), null)));
    // a verified backup older than the RPO before the newest costs too much data: newest first
    assertEquals(List.of("db-newest", "db-verified"), order(
        stored("db-newest", Duration.ofMinutes(5), null),
        stored("db-verified", Duration.ofHours(2), RestoreTestOutcome.VERIFIED_BY_RESTORE)));
  }

  @Test
  void aRecoveryRestoresTheVerifiedBackupRatherThanTheNewerUntestedOne(
      TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    when(h.storage.listBackups(any())).thenReturn(new BackupCatalog(List.of(
        stored("db-new", Duration.ofMinutes(40), null),
        stored("db-verified", Duration.ofMinutes(70), RestoreTestOutcome.VERIFIED_BY_RESTORE)),
        List.of()));
    h.start(List.of(RecoveryScope.DATABASE), OnUnanswered.REMIND);
    h.awaitPending();
    h.recovery.decide(h.signed("alice", Verdict.APPROVE, null, null));
    assertEquals(Outcome.RECOVERED, h.result().outcome());

    ArgumentCaptor<RestoreDatabaseInput> restored =
        ArgumentCaptor.forClass(RestoreDatabaseInput.class);
    verify(h.pg).restoreFromBackup(restored.capture());
    assertEquals("db-verified", restored.getValue().backup().backupId());
    assertEquals("db-verified", h.result().backups().get(0).backupId());
  }
}
