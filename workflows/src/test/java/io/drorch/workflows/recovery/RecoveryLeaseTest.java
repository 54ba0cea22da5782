package io.drorch.workflows.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.verify;

import io.drorch.workflows.backup.BackupLeases;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.ReleaseLeaseInput;
import io.drorch.workflows.contracts.commands.WriteLeaseInput;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.values.BackupLease;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Verdict;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/**
 * A recovery leases its candidate backups right after choosing them and releases the lease at
 * its end, so no retention sweep deletes a backup it may still restore.
 */
class RecoveryLeaseTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = RecoveryHarness.extension();

  @Test
  void leasesItsCandidatesAfterSelectingThemAndReleasesTheLeaseAtTheEnd(TestWorkflowEnvironment env,
      Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    h.start(List.of(RecoveryScope.DATABASE), OnUnanswered.REMIND);
    h.awaitPending();
    h.recovery.decide(h.signed("alice", Verdict.APPROVE, null, null));
    assertEquals(Outcome.RECOVERED, h.result().outcome());

    ArgumentCaptor<WriteLeaseInput> lease = ArgumentCaptor.forClass(WriteLeaseInput.class);
    ArgumentCaptor<ReleaseLeaseInput> release = ArgumentCaptor.forClass(ReleaseLeaseInput.class);
    InOrder order = inOrder(h.storage, h.pg);
    order.verify(h.storage).listBackups(any());
    order.verify(h.storage).writeLease(lease.capture());
    order.verify(h.pg).restoreFromBackup(any());
    order.verify(h.pg).swapDatabase(any());
    order.verify(h.storage).releaseLease(release.capture());
    BackupLease l = lease.getValue().lease();
    assertEquals("recovery-INC-1", l.holder());
    assertEquals(List.of("db-new", "db-old", "files-new"), l.backupIds());
    assertTrue(!l.writtenAt().isBefore(RecoveryHarness.T0)
        && l.writtenAt().isBefore(RecoveryHarness.T0.plusSeconds(120)), l.writtenAt().toString());
    assertEquals(l.writtenAt().plus(BackupLeases.TTL), l.expiresAt());
    assertEquals("recovery-INC-1", release.getValue().holder());
    assertEquals(RecoveryHarness.STORAGE, release.getValue().storage());
  }

  @Test
  void aLeaseThatCannotBeWrittenNeverFailsTheRecovery(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    doThrow(DrError.STORAGE_AUTH.failure("access denied")).when(h.storage).writeLease(any());
    doThrow(DrError.STORAGE_AUTH.failure("access denied")).when(h.storage).releaseLease(any());
    h.start(List.of(RecoveryScope.DATABASE), OnUnanswered.REMIND);
    h.awaitPending();
    h.recovery.decide(h.signed("alice", Verdict.APPROVE, null, null));

    assertEquals(Outcome.RECOVERED, h.result().outcome());
    verify(h.storage).writeLease(any());
    verify(h.storage).releaseLease(any());
  }
}
