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
import io.drorch.workflows.contracts.commands.DatabaseBackupInput;
import io.drorch.workflows.contracts.commands.DumpDatabaseInput;
import io.drorch.workflows.contracts.commands.WriteManifestInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.DumpDatabaseResult;
import io.drorch.workflows.postgres.PostgresActivities;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

class DatabaseBackupWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      UiMetadata.withSearchAttributes(TestWorkflowExtension.newBuilder())
          .setWorkflowTypes(DatabaseBackupWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private final PostgresActivities postgres =
      mock(PostgresActivities.class, withSettings().withoutAnnotations());
  private final StorageActivities storage =
      mock(StorageActivities.class, withSettings().withoutAnnotations());

  private DrPlan plan = Fixtures.plan();

  private DatabaseBackupWorkflow start(TestWorkflowEnvironment env, Worker worker) {
    worker.registerActivitiesImplementations(postgres, storage, Fixtures.plans(plan));
    env.start();
    return env.getWorkflowClient()
        .newWorkflowStub(
            DatabaseBackupWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).build());
  }

  private static DumpDatabaseResult dumped(DumpDatabaseInput in) {
    String key = BackupKeys.dataKey(in.storage(), BackupKind.DATABASE, in.backupId(), ".dump", 1);
    Instant t = Instant.parse("2026-11-26T02:00:00Z");
    return new DumpDatabaseResult(key, "pg_dump-custom", 4242, "abc123", t, t.plusSeconds(9),
        Fixtures.dbDetails());
  }

  @Test
  void writesTheManifestOnlyAfterTheDumpSucceeded(TestWorkflowEnvironment env, Worker worker) {
    when(postgres.dumpToStorage(any())).thenAnswer(i -> dumped(i.getArgument(0)));
    when(storage.writeManifest(any())).thenAnswer(i -> "manifest-key");

    BackupResult result = start(env, worker).backup(Fixtures.databaseInput());

    InOrder order = inOrder(postgres, storage);
    order.verify(postgres).dumpToStorage(any());
    order.verify(storage).writeManifest(any());
    ArgumentCaptor<WriteManifestInput> manifest = ArgumentCaptor.forClass(WriteManifestInput.class);
    verify(storage).writeManifest(manifest.capture());
    BackupManifest m = manifest.getValue().manifest();
    assertEquals(result.backupId(), m.backupId());
    assertEquals(BackupKind.DATABASE, m.kind());
    assertEquals(4242, m.sizeBytes());
    assertEquals("abc123", m.sha256());
    assertEquals(result.dataKey(), m.dataKey());
    assertEquals("public.users", m.database().rowCounts().keySet().iterator().next());
    assertTrue(result.backupId().startsWith("db-"), result.backupId());
    assertEquals("manifest-key", result.manifestKey());
  }

  @Test
  void retriesATransientDumpFailureAndCommitsOneBackup(TestWorkflowEnvironment env, Worker worker) {
    AtomicInteger calls = new AtomicInteger();
    when(postgres.dumpToStorage(any()))
        .thenAnswer(
            i -> {
              if (calls.incrementAndGet() < 3) {
                throw DrError.DATABASE_UNREACHABLE.failure("connection refused");
              }
              return dumped(i.getArgument(0));
            });
    when(storage.writeManifest(any())).thenReturn("k");

    start(env, worker).backup(Fixtures.databaseInput());

    assertEquals(3, calls.get());
    verify(storage, times(1)).writeManifest(any());
  }

  @Test
  void wrongPasswordFailsAtOnceAndCommitsNothing(TestWorkflowEnvironment env, Worker worker) {
    when(postgres.dumpToStorage(any()))
        .thenThrow(DrError.DATABASE_AUTH.failure("password authentication failed for user docs"));

    DatabaseBackupWorkflow wf = start(env, worker);
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> wf.backup(Fixtures.databaseInput()));

    ActivityFailure af = assertInstanceOf(ActivityFailure.class, e.getCause());
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, af.getCause());
    assertEquals("DATABASE_AUTH", cause.getType());
    verify(postgres, times(1)).dumpToStorage(any());
    verify(storage, never()).writeManifest(any());
  }

  @Test
  void planWithoutDatabaseSectionIsRejectedBeforeAnyWork(TestWorkflowEnvironment env,
      Worker worker) {
    plan = plan.withDatabase(null);
    DatabaseBackupWorkflow wf = start(env, worker);
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> wf.backup(new DatabaseBackupInput("t")));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals("BAD_INPUT", cause.getType());
    assertTrue(cause.getOriginalMessage().contains("database section is missing"));
    verify(postgres, never()).dumpToStorage(any());
  }

  @Test
  void aManifestConflictFailsTheBackupWithoutRetrying(TestWorkflowEnvironment env, Worker worker) {
    when(postgres.dumpToStorage(any())).thenAnswer(i -> dumped(i.getArgument(0)));
    when(storage.writeManifest(any()))
        .thenThrow(DrError.MANIFEST_CONFLICT.failure("exists with different content"));

    DatabaseBackupWorkflow wf = start(env, worker);
    assertThrows(WorkflowFailedException.class, () -> wf.backup(Fixtures.databaseInput()));
    verify(storage, times(1)).writeManifest(any());
  }

  @Test
  void showsKindPhaseAndActivitySummariesInTheWebUi(TestWorkflowEnvironment env, Worker worker) {
    when(postgres.dumpToStorage(any())).thenAnswer(i -> dumped(i.getArgument(0)));
    when(storage.writeManifest(any())).thenAnswer(i -> "manifest-key");
    DatabaseBackupWorkflow wf = start(env, worker);

    BackupResult result = wf.backup(Fixtures.databaseInput());

    WorkflowClient client = env.getWorkflowClient();
    String id = WorkflowStub.fromTyped(wf).getExecution().getWorkflowId();
    assertEquals("backup-database", UiMetadata.current(client, id, SearchAttributes.DR_KIND));
    assertEquals(List.of("load-plan", "dump", "write-manifest", "done"),
        UiMetadata.history(client, id, SearchAttributes.DR_PHASE));
    assertEquals(List.of(Fixtures.LOAD_PLAN_SUMMARY,
            "pg_dump docs to s3://dr-backups/ai-docs/database/" + result.backupId() + ".dump",
            "write the manifest of " + result.backupId() + " (the commit marker) to"
                + " s3://dr-backups/ai-docs/database/" + result.backupId() + ".manifest.json"),
        UiMetadata.activitySummaries(client, id));
  }
}
