package io.drorch.workflows.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.UiMetadata;
import io.drorch.workflows.contracts.commands.DeleteObjectsInput;
import io.drorch.workflows.contracts.commands.RetentionInput;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.RetentionResult;
import io.drorch.workflows.contracts.values.StoredBackup.DataState;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.client.WorkflowOptions;
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

  private final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());

  @Test
  void deletesManifestsBeforeDataAndAbortsStaleUploads(TestWorkflowEnvironment env, Worker worker) {
    Instant now = Instant.parse("2026-11-26T04:00:00Z");
    var old = RetentionPolicyTest.backup(BackupKind.DATABASE, "db-old", 40, DataState.PRESENT);
    var fresh = RetentionPolicyTest.backup(BackupKind.DATABASE, "db-fresh", 1, DataState.PRESENT);
    when(storage.listBackups(any())).thenReturn(new BackupCatalog(List.of(fresh, old), List.of()));
    when(storage.deleteObjects(any())).thenAnswer(i -> ((DeleteObjectsInput) i.getArgument(0)).keys().size());
    when(storage.abortStaleUploads(any())).thenReturn(2);
    worker.registerActivitiesImplementations(storage, Fixtures.plans(Fixtures.plan()));
    env.start();

    RetentionWorkflow wf = env.getWorkflowClient().newWorkflowStub(RetentionWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).build());
    RetentionResult r = wf.sweep(new RetentionInput("test"));

    assertEquals(List.of("db-old"), r.deletedBackups());
    assertEquals(2, r.abortedUploads());
    ArgumentCaptor<DeleteObjectsInput> deletes = ArgumentCaptor.forClass(DeleteObjectsInput.class);
    InOrder order = inOrder(storage);
    order.verify(storage).listBackups(any());
    order.verify(storage, org.mockito.Mockito.times(2)).deleteObjects(deletes.capture());
    order.verify(storage).abortStaleUploads(any());
    assertEquals(List.of("ai-docs/database/db-old.manifest.json"), deletes.getAllValues().get(0).keys());
    assertEquals(List.of("ai-docs/database/db-old.dump"), deletes.getAllValues().get(1).keys());
    ArgumentCaptor<io.drorch.workflows.contracts.commands.AbortUploadsInput> abort =
        ArgumentCaptor.forClass(io.drorch.workflows.contracts.commands.AbortUploadsInput.class);
    org.mockito.Mockito.verify(storage).abortStaleUploads(abort.capture());
    Duration skew = Duration.between(now.minus(Duration.ofDays(1)), abort.getValue().olderThan());
    org.junit.jupiter.api.Assertions.assertTrue(
        !skew.isNegative() && skew.compareTo(Duration.ofSeconds(5)) < 0, "stale cutoff " + skew);

    // what the Web UI shows
    var client = env.getWorkflowClient();
    String id = io.temporal.client.WorkflowStub.fromTyped(wf).getExecution().getWorkflowId();
    assertEquals("retention", UiMetadata.current(client, id, SearchAttributes.DR_KIND));
    assertEquals(List.of("load-plan", "list", "delete", "abort-stale-uploads", "done"),
        UiMetadata.history(client, id, SearchAttributes.DR_PHASE));
    assertEquals(List.of(Fixtures.LOAD_PLAN_SUMMARY, "list the backups in s3://dr-backups/ai-docs/",
            "delete 1 expired manifests from s3://dr-backups (1-1 of 1)",
            "delete 1 expired backup data objects from s3://dr-backups (1-1 of 1)"),
        UiMetadata.activitySummaries(client, id).subList(0, 4));
    assertTrue(UiMetadata.activitySummaries(client, id).get(4)
        .startsWith("abort multipart uploads in s3://dr-backups/ai-docs/ started before 2026-11-25T04:00"));
  }
}
