package io.drorch.workflows.backup;

import io.drorch.workflows.contracts.commands.DatabaseBackupInput;
import io.drorch.workflows.contracts.commands.FileBackupInput;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.DatabaseBackupDetails;
import io.drorch.workflows.contracts.values.FileBackupDetails;
import java.time.Instant;
import java.util.Map;

/** Plan sections and activity results shared by the workflow tests. */
final class Fixtures {
  static final StorageTarget STORAGE =
      new StorageTarget("dr-backups", "ai-docs", "us-east-1", "http://127.0.0.1:9000", true, 30, true, 30);
  static final DatabaseTarget DATABASE =
      new DatabaseTarget("db.internal", 5432, "docs", "docs", null, "gzip");
  static final FilesTarget FILES = new FilesTarget("/app/uploads");

  static DatabaseBackupInput databaseInput() {
    return new DatabaseBackupInput("AI Docs Assistant", DATABASE, STORAGE, "test");
  }

  static FileBackupInput fileInput() {
    return new FileBackupInput("AI Docs Assistant", FILES, STORAGE, "test");
  }

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
