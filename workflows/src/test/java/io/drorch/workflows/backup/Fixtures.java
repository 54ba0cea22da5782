package io.drorch.workflows.backup;

import io.drorch.workflows.contracts.commands.DatabaseBackupInput;
import io.drorch.workflows.contracts.commands.FileBackupInput;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.DatabaseBackupDetails;
import io.drorch.workflows.contracts.values.FileBackupDetails;
import io.drorch.workflows.plan.PlanActivities;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Plan sections and activity results shared by the workflow tests. */
final class Fixtures {
  static final StorageTarget STORAGE =
      new StorageTarget("dr-backups", "ai-docs", "us-east-1", "http://127.0.0.1:9000", true, 30, true, 30);
  static final DatabaseTarget DATABASE =
      new DatabaseTarget("db.internal", 5432, "docs", "docs", null, "gzip");
  static final FilesTarget FILES = new FilesTarget("/app/uploads");

  static DatabaseBackupInput databaseInput() {
    return new DatabaseBackupInput("test");
  }

  static FileBackupInput fileInput() {
    return new FileBackupInput("test");
  }

  /** The worker's plan as the tests' workers read it. */
  static DrPlan plan() {
    return new DrPlan("AI Docs Assistant", null, DATABASE, FILES, STORAGE, null, List.of(), null,
        null, null, null).withDrills(new io.drorch.workflows.contracts.plan.DrillSettings(null,
            null, io.drorch.workflows.contracts.plan.VerifyByRestore.OFF));
  }

  /** The first activity of every workflow, answering {@code plan}. */
  static PlanActivities plans(DrPlan plan) {
    PlanActivities plans = mock(PlanActivities.class, withSettings().withoutAnnotations());
    when(plans.load()).thenReturn(new LoadedPlan(plan, "0123456789abcdef", "/test/dr-plan.yaml"));
    return plans;
  }

  static final String LOAD_PLAN_SUMMARY =
      "read the worker's plan (dr-plan.yaml): approvers, keys, commands, paths, hosts";

  static DatabaseBackupDetails dbDetails() {
    return new DatabaseBackupDetails("docs", "db.internal", "15.18", "pg_dump 15.18", "2",
        Map.of("public.users", 10L));
  }

  static BackupManifest manifest(BackupKind kind, String id, Instant startedAt) {
    String data = BackupKeys.dataKey(STORAGE, kind, id, kind == BackupKind.DATABASE ? ".dump" : ".tar.gz", 1);
    FileBackupDetails files = kind == BackupKind.FILES
        ? new FileBackupDetails("/app/uploads", BackupKeys.listingKey(STORAGE, id, 1), "ab", 1, 1)
        : null;
    return new BackupManifest(1, id, kind, "app", data, "f", 100, "00", startedAt,
        startedAt.plusSeconds(60), "wf", kind == BackupKind.DATABASE ? dbDetails() : null, files);
  }

  private Fixtures() {}
}
