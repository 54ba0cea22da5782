package io.drorch.workflows.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.drorch.workflows.common.DrError;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.UiMetadata;
import io.drorch.workflows.contracts.commands.AbortUploadsInput;
import io.drorch.workflows.contracts.commands.DeleteObjectsInput;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.commands.RetentionInput;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.LeaseSet;
import io.drorch.workflows.contracts.values.RetentionResult;
import io.drorch.workflows.contracts.values.StoredBackup.DataState;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.notify.NotificationActivities;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

class RetentionWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      UiMetadata.withSearchAttributes(TestWorkflowExtension.newBuilder())
          .setWorkflowTypes(RetentionWorkflowImpl.class)
          .setInitialTime(Instant.parse("2026-11-26T04:00:00Z"))
          .setDoNotStart(true)
          .build();

  private static final NotificationSettings CHANNELS =
      new NotificationSettings(Duration.ofMinutes(15), List.of(new NotificationChannel("log", null)));

  private final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());
  private final NotificationActivities notify =
      mock(NotificationActivities.class, withSettings().withoutAnnotations());

  private final String old = RetentionPolicyTest.id(BackupKind.DATABASE, 40, "0000a0");
  private final String fresh = RetentionPolicyTest.id(BackupKind.DATABASE, 1, "0000a1");

  private BackupCatalog catalog(StoredBackup... extra) {
    List<StoredBackup> all = new java.util.ArrayList<>(List.of(
        RetentionPolicyTest.backup(BackupKind.DATABASE, fresh, 1, DataState.PRESENT),
        RetentionPolicyTest.backup(BackupKind.DATABASE, old, 40, DataState.PRESENT)));
    all.addAll(List.of(extra));
    return new BackupCatalog(all, List.of());
  }

  private RetentionWorkflow start(TestWorkflowEnvironment env, Worker worker) {
    return start(env, worker, null);
  }

  /** A worker whose plan has {@code notifications} (null: the worker's log only). */
  private RetentionWorkflow start(TestWorkflowEnvironment env, Worker worker,
      NotificationSettings notifications) {
    worker.registerActivitiesImplementations(storage, notify,
        Fixtures.plans(Fixtures.plan().withNotifications(notifications)));
    env.start();
    return env.getWorkflowClient().newWorkflowStub(RetentionWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).build());
  }

  private void deletesSucceed() {
    when(storage.deleteObjects(any())).thenAnswer(
        i -> ((DeleteObjectsInput) i.getArgument(0)).keys().size());
    when(storage.listLeases(any())).thenReturn(new LeaseSet(List.of(), List.of()));
  }

  @Test
  void deletesManifestsBeforeDataAndAbortsStaleUploads(TestWorkflowEnvironment env, Worker worker) {
    Instant now = Instant.parse("2026-11-26T04:00:00Z");
    when(storage.listBackups(any())).thenReturn(catalog());
    when(storage.findLocked(any())).thenReturn(List.of());
    deletesSucceed();
    when(storage.abortStaleUploads(any())).thenReturn(2);
    RetentionWorkflow wf = start(env, worker);

    RetentionResult r = wf.sweep(new RetentionInput("test"));

    assertEquals(List.of(old), r.deletedBackups());
    assertEquals(2, r.abortedUploads());
    ArgumentCaptor<DeleteObjectsInput> deletes = ArgumentCaptor.forClass(DeleteObjectsInput.class);
    InOrder order = inOrder(storage);
    order.verify(storage).listBackups(any());
    order.verify(storage).findLocked(any());
    order.verify(storage).listLeases(any());
    order.verify(storage, times(2)).deleteObjects(deletes.capture());
    order.verify(storage).abortStaleUploads(any());
    assertEquals(List.of("ai-docs/database/" + old + ".manifest.json"),
        deletes.getAllValues().get(0).keys());
    assertEquals(List.of("ai-docs/database/" + old + ".dump"), deletes.getAllValues().get(1).keys());
    ArgumentCaptor<AbortUploadsInput> abort = ArgumentCaptor.forClass(AbortUploadsInput.class);
    verify(storage).abortStaleUploads(abort.capture());
    Duration skew = Duration.between(now.minus(Duration.ofDays(1)), abort.getValue().olderThan());
    assertTrue(!skew.isNegative() && skew.compareTo(Duration.ofMinutes(1)) < 0, "stale cutoff " + skew);
    verify(notify, never()).send(any());

    // what the Web UI shows
    var client = env.getWorkflowClient();
    String id = WorkflowStub.fromTyped(wf).getExecution().getWorkflowId();
    assertEquals("retention", UiMetadata.current(client, id, SearchAttributes.DR_KIND));
    assertEquals(List.of("load-plan", "list", "check", "delete", "abort-stale-uploads", "done"),
        UiMetadata.history(client, id, SearchAttributes.DR_PHASE));
    assertEquals(List.of(Fixtures.LOAD_PLAN_SUMMARY, "list the backups in s3://dr-backups/ai-docs/",
            "check Object Lock of 2 objects to delete in s3://dr-backups/ai-docs/",
            "read the leases in s3://dr-backups/ai-docs/leases/",
            "delete 1 expired manifests from s3://dr-backups (1-1 of 1)",
            "delete 1 expired backup data objects from s3://dr-backups (1-1 of 1)"),
        UiMetadata.activitySummaries(client, id).subList(0, 6));
    assertTrue(UiMetadata.activitySummaries(client, id).get(6)
        .startsWith("abort multipart uploads in s3://dr-backups/ai-docs/ started before 2026-11-25T04:00"));
  }

  @Test
  void aListingThatKeepsFailingAbortsTheSweepBeforeAnyDeletionAndTellsTheChannels(
      TestWorkflowEnvironment env, Worker worker) {
    when(storage.listBackups(any())).thenThrow(DrError.STORAGE_UNAVAILABLE.failure(
        "Cannot read manifest s3://dr-backups/ai-docs/database/x.manifest.json: the read returned"
            + " 120 bytes, the listing says it has 512"));
    deletesSucceed();
    RetentionWorkflow wf = start(env, worker, CHANNELS);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> wf.sweep(new RetentionInput("test")));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(DrError.RETENTION_ABORTED.name(), cause.getType());
    assertTrue(cause.isNonRetryable());
    assertTrue(cause.getOriginalMessage().contains("Nothing was deleted")
        && cause.getOriginalMessage().contains("the listing says it has 512"), cause.getOriginalMessage());
    verify(storage, times(5)).listBackups(any()); // the activity's retries, then the abort
    verify(storage, never()).deleteObjects(any());
    verify(storage, never()).abortStaleUploads(any());
    ArgumentCaptor<Notification> sent = ArgumentCaptor.forClass(Notification.class);
    verify(notify).send(sent.capture());
    assertEquals("retention-aborted", sent.getValue().event());
    assertEquals(CHANNELS.channels(), sent.getValue().channels());
    assertTrue(sent.getValue().text().contains("Nothing was deleted"), sent.getValue().text());
    String id = WorkflowStub.fromTyped(wf).getExecution().getWorkflowId();
    assertEquals("aborted", UiMetadata.current(env.getWorkflowClient(), id, SearchAttributes.DR_PHASE));
  }

  @Test
  void aTransientErrorIsRetriedAndTheSweepCompletes(TestWorkflowEnvironment env, Worker worker) {
    when(storage.listBackups(any()))
        .thenThrow(DrError.STORAGE_UNAVAILABLE.failure("connection reset"))
        .thenReturn(catalog());
    when(storage.findLocked(any()))
        .thenThrow(DrError.STORAGE_UNAVAILABLE.failure("timeout"))
        .thenReturn(List.of());
    deletesSucceed();
    RetentionWorkflow wf = start(env, worker, CHANNELS);

    RetentionResult r = wf.sweep(new RetentionInput("test"));

    assertEquals(List.of(old), r.deletedBackups());
    verify(storage, times(2)).listBackups(any());
    verify(notify, never()).send(any());
  }

  @Test
  void aFailedDeletionAbortsTheSweepAndSaysHowFarItGot(TestWorkflowEnvironment env, Worker worker) {
    when(storage.listBackups(any())).thenReturn(catalog());
    when(storage.findLocked(any())).thenReturn(List.of());
    when(storage.listLeases(any())).thenReturn(new LeaseSet(List.of(), List.of()));
    when(storage.deleteObjects(any()))
        .thenReturn(1)
        .thenThrow(DrError.STORAGE_AUTH.failure("access denied"));
    RetentionWorkflow wf = start(env, worker, CHANNELS);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> wf.sweep(new RetentionInput("test")));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(DrError.RETENTION_ABORTED.name(), cause.getType());
    assertTrue(cause.getOriginalMessage().contains("1 of the 2 objects"), cause.getOriginalMessage());
    verify(notify).send(any());
  }

  @Test
  void problemsForAPersonAreReportedOnTheChannelsWithoutDeletingMore(TestWorkflowEnvironment env,
      Worker worker) {
    String broken = RetentionPolicyTest.id(BackupKind.DATABASE, 50, "00bad0");
    when(storage.listBackups(any())).thenReturn(catalog(new StoredBackup(null,
        BackupKeys.manifestKey(Fixtures.STORAGE, BackupKind.DATABASE, broken),
        DataState.UNREADABLE_MANIFEST)));
    when(storage.findLocked(any())).thenReturn(List.of());
    deletesSucceed();
    RetentionWorkflow wf = start(env, worker, CHANNELS);

    RetentionResult r = wf.sweep(new RetentionInput("test"));

    assertEquals(List.of(old), r.deletedBackups());
    assertEquals(1, r.problems().size());
    ArgumentCaptor<Notification> sent = ArgumentCaptor.forClass(Notification.class);
    verify(notify).send(sent.capture());
    assertEquals("retention-attention", sent.getValue().event());
    assertTrue(sent.getValue().text().contains(broken), sent.getValue().text());
  }

  @Test
  void nothingToDeleteSkipsTheLockCheck(TestWorkflowEnvironment env, Worker worker) {
    when(storage.listBackups(any())).thenReturn(new BackupCatalog(List.of(
        RetentionPolicyTest.backup(BackupKind.DATABASE, fresh, 1, DataState.PRESENT)), List.of()));
    deletesSucceed();
    RetentionWorkflow wf = start(env, worker);

    RetentionResult r = wf.sweep(new RetentionInput("test"));

    assertEquals(List.of(), r.deletedBackups());
    verify(storage, never()).findLocked(any());
    verify(storage, never()).deleteObjects(any());
  }
}
