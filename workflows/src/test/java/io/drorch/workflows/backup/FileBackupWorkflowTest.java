package io.drorch.workflows.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.drorch.workflows.common.DrError;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.UiMetadata;
import io.drorch.workflows.contracts.commands.ArchiveFilesInput;
import io.drorch.workflows.contracts.commands.WriteManifestInput;
import io.drorch.workflows.contracts.values.ArchiveFilesResult;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.FileBackupDetails;
import io.drorch.workflows.files.FileActivities;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

class FileBackupWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      UiMetadata.withSearchAttributes(TestWorkflowExtension.newBuilder())
          .setWorkflowTypes(FileBackupWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private final FileActivities files = mock(FileActivities.class, withSettings().withoutAnnotations());
  private final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());

  private FileBackupWorkflow start(TestWorkflowEnvironment env, Worker worker) {
    worker.registerActivitiesImplementations(files, storage, Fixtures.plans(Fixtures.plan()));
    env.start();
    return env.getWorkflowClient()
        .newWorkflowStub(
            FileBackupWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).build());
  }

  @Test
  void commitsTheArchiveAndItsListingInTheManifestWrittenLast(
      TestWorkflowEnvironment env, Worker worker) {
    when(files.archiveToStorage(any()))
        .thenAnswer(
            i -> {
              ArchiveFilesInput in = i.getArgument(0);
              String data = BackupKeys.dataKey(in.storage(), BackupKind.FILES, in.backupId(), ".tar.gz", 1);
              String listing = BackupKeys.listingKey(in.storage(), in.backupId(), 1);
              Instant t = Instant.parse("2026-11-26T02:30:00Z");
              return new ArchiveFilesResult(data, "tar+gzip", 777, "feed", t, t.plusSeconds(3),
                  new FileBackupDetails("/app/uploads", listing, "beef", 12, 7000));
            });
    when(storage.writeManifest(any())).thenReturn("m");

    BackupResult result = start(env, worker).backup(Fixtures.fileInput());

    InOrder order = inOrder(files, storage);
    order.verify(files).archiveToStorage(any());
    order.verify(storage).writeManifest(any());
    ArgumentCaptor<WriteManifestInput> captor = ArgumentCaptor.forClass(WriteManifestInput.class);
    verify(storage).writeManifest(captor.capture());
    BackupManifest m = captor.getValue().manifest();
    assertEquals(BackupKind.FILES, m.kind());
    assertEquals("beef", m.files().listingSha256());
    assertEquals(12, m.files().fileCount());
    assertEquals(result.dataKey(), m.dataKey());
    assertEquals("ai-docs/files/" + result.backupId() + ".tar.gz", result.dataKey());
  }

  @Test
  void missingUploadsDirectoryFailsWithoutRetryAndWithoutManifest(
      TestWorkflowEnvironment env, Worker worker) {
    when(files.archiveToStorage(any()))
        .thenThrow(DrError.UPLOADS_DIR_MISSING.failure("/app/uploads does not exist"));

    FileBackupWorkflow wf = start(env, worker);
    assertThrows(WorkflowFailedException.class, () -> wf.backup(Fixtures.fileInput()));
    verify(files).archiveToStorage(any());
    verify(storage, never()).writeManifest(any());
  }

  @Test
  void showsKindPhaseAndActivitySummariesInTheWebUi(TestWorkflowEnvironment env, Worker worker) {
    when(files.archiveToStorage(any())).thenAnswer(i -> {
      ArchiveFilesInput in = i.getArgument(0);
      String data = BackupKeys.dataKey(in.storage(), BackupKind.FILES, in.backupId(), ".tar.gz", 1);
      Instant t = Instant.parse("2026-11-26T02:30:00Z");
      return new ArchiveFilesResult(data, "tar+gzip", 1, "f", t, t, new FileBackupDetails(
          "/app/uploads", BackupKeys.listingKey(in.storage(), in.backupId(), 1), "b", 1, 1));
    });
    when(storage.writeManifest(any())).thenReturn("m");
    FileBackupWorkflow wf = start(env, worker);

    BackupResult result = wf.backup(Fixtures.fileInput());

    WorkflowClient client = env.getWorkflowClient();
    String id = WorkflowStub.fromTyped(wf).getExecution().getWorkflowId();
    assertEquals("backup-files", UiMetadata.current(client, id, SearchAttributes.DR_KIND));
    assertEquals("done", UiMetadata.current(client, id, SearchAttributes.DR_PHASE));
    assertEquals(List.of("load-plan", "archive", "write-manifest", "done"),
        UiMetadata.history(client, id, SearchAttributes.DR_PHASE));
    assertEquals("tar.gz /app/uploads to s3://dr-backups/ai-docs/files/" + result.backupId()
        + ".tar.gz", UiMetadata.activitySummaries(client, id).get(1));
    assertEquals(Fixtures.LOAD_PLAN_SUMMARY, UiMetadata.activitySummaries(client, id).get(0));
  }
}
