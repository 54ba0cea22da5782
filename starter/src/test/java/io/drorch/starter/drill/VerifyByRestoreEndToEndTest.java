package io.drorch.starter.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.local.WebhookReceiver;
import io.drorch.starter.TestStack;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.backup.BackupTable;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.workflows.backup.VerifyByRestoreWorkflow;
import io.drorch.workflows.contracts.commands.VerifyByRestoreInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.DrillSettings;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.plan.VerifyByRestore;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.RestoreTestOutcome;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.restoretest.ScratchTargets;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * verify-by-restore on the real stack: a committed backup is restored into scratch by its
 * {@code verify-<backup-id>} child and marked VERIFIED_BY_RESTORE (daily: only the first of the
 * day); a corrupt one is marked FAILED_RESTORE and levels 1 and 2 are alerted; `dr backups list`
 * shows both.
 */
class VerifyByRestoreEndToEndTest {

  private DrPlan plan(TestStack stack, String name, VerifyByRestore mode, String webhook)
      throws Exception {
    DrPlan base = stack.samplePlan(name, name.replace('_', '-'));
    DrPlan p = stack.withWorkDir(base, name, List.of())
        .withDrills(new DrillSettings(null, null, mode));
    return webhook == null ? p : p.withNotifications(new NotificationSettings(Duration.ofMinutes(15),
        List.of(new NotificationChannel("log", null), new NotificationChannel("webhook", webhook))));
  }

  @Test
  void aCommittedBackupIsRestoredIntoScratchAndMarkedVerifiedOncePerDay() throws Exception {
    TestStack stack = TestStack.get();
    DrPlan plan = plan(stack, "verify_ok", VerifyByRestore.DAILY, null);
    try (LocalWorker worker = stack.worker(plan)) {
      var client = stack.temporal.client();
      BackupResult first = BackupRuns.await(
          BackupRuns.startDatabase(client, worker.taskQueue(), "test"));
      RestoreVerdict v = client.newUntypedWorkflowStub("verify-" + first.backupId())
          .getResult(RestoreVerdict.class);
      assertEquals(RestoreTestOutcome.VERIFIED_BY_RESTORE, v.outcome(), v.reason());
      assertTrue(v.tables().stream().allMatch(t -> t.matches()), v.tables().toString());
      assertEquals(ScratchTargets.databaseName("verify_ok", first.backupId()), v.scratchTarget());
      assertFalse(DrillEndToEndTest.databaseExists(stack, v.scratchTarget()), "scratch removed");

      // daily: the second backup of the day is not restored again
      BackupResult second = BackupRuns.await(
          BackupRuns.startDatabase(client, worker.taskQueue(), "test"));
      assertNull(client.newUntypedWorkflowStub("verify-" + second.backupId())
          .getResult(RestoreVerdict.class));
      // files are not tested under daily
      BackupResult files = BackupRuns.await(
          BackupRuns.startFiles(client, worker.taskQueue(), "test"));

      var catalog = StorageActivitiesImpl.catalog(stack.clients.store(plan.storage()));
      StoredBackup verified = find(catalog.backups(), first.backupId());
      assertTrue(verified.verifiedByRestore());
      assertEquals("restored", BackupTable.verified(verified));
      assertNull(find(catalog.backups(), second.backupId()).verification());
      assertNull(find(catalog.backups(), files.backupId()).verification());
    }
  }

  @Test
  void aCorruptBackupIsMarkedFailedRestoreAndLevelsOneAndTwoAreAlerted() throws Exception {
    TestStack stack = TestStack.get();
    try (WebhookReceiver hook = WebhookReceiver.start("127.0.0.1", 0)) {
      DrPlan plan = plan(stack, "verify_bad", VerifyByRestore.OFF,
          "http://127.0.0.1:" + hook.port() + "/dr-events");
      try (LocalWorker worker = stack.worker(plan)) {
        var client = stack.temporal.client();
        BackupResult b = BackupRuns.await(
            BackupRuns.startDatabase(client, worker.taskQueue(), "test"));
        var store = stack.clients.store(plan.storage());
        var manifest = find(StorageActivitiesImpl.catalog(store).backups(), b.backupId())
            .manifest();
        byte[] garbage = new byte[(int) manifest.sizeBytes()];
        java.util.Arrays.fill(garbage, (byte) 1);
        store.put(manifest.dataKey(), garbage, "application/octet-stream");

        // what the backup workflow starts after its commit under verify-by-restore
        VerifyByRestoreWorkflow wf = client.newWorkflowStub(VerifyByRestoreWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("verify-" + b.backupId())
                .setTaskQueue(worker.taskQueue()).build());
        RestoreVerdict v = wf.verify(new VerifyByRestoreInput(manifest, false));

        assertEquals(RestoreTestOutcome.FAILED_RESTORE, v.outcome());
        StoredBackup marked = find(StorageActivitiesImpl.catalog(store).backups(), b.backupId());
        assertEquals(RestoreTestOutcome.FAILED_RESTORE, marked.verification().outcome());
        assertEquals("FAILED", BackupTable.verified(marked));
        List<String> events = hook.received();
        assertTrue(events.stream().anyMatch(e -> e.contains("restore-test-failed")
            && e.replace(" ", "").contains("\"level\":1")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.contains("restore-test-failed-escalated")
            && e.replace(" ", "").contains("\"level\":2")), events.toString());
        assertFalse(DrillEndToEndTest.databaseExists(stack, v.scratchTarget()));
      }
    }
  }

  private static StoredBackup find(List<StoredBackup> backups, String id) {
    return backups.stream().filter(b -> b.manifest().backupId().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError(id + " not in " + backups));
  }
}
