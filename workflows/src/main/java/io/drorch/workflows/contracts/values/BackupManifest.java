package io.drorch.workflows.contracts.values;

import java.time.Instant;

/**
 * The commit marker of a backup, stored as JSON beside its data and written last, exactly once.
 * A backup is valid only when its manifest exists and the data object's size and SHA-256 match.
 *
 * @param format how to restore by hand: {@code pg_dump-custom} ({@code pg_restore -d DB FILE}),
 *     {@code pg_dump-custom+zstd} ({@code zstd -dc FILE | pg_restore -d DB}), {@code tar+gzip}
 *     ({@code tar -xzf FILE -C DIR})
 * @param database set for database backups, null otherwise
 * @param files set for file backups, null otherwise
 * @param base set for pgBackRest base backups (kind BASE), null otherwise
 */
public record BackupManifest(
    int formatVersion,
    String backupId,
    BackupKind kind,
    String application,
    String dataKey,
    String format,
    long sizeBytes,
    String sha256,
    Instant startedAt,
    Instant finishedAt,
    String workflowId,
    DatabaseBackupDetails database,
    FileBackupDetails files,
    BaseBackupDetails base) {

  public static final int FORMAT_VERSION = 1;

  /** A logical database or file backup (no base-backup details). */
  public BackupManifest(int formatVersion, String backupId, BackupKind kind, String application,
      String dataKey, String format, long sizeBytes, String sha256, Instant startedAt,
      Instant finishedAt, String workflowId, DatabaseBackupDetails database,
      FileBackupDetails files) {
    this(formatVersion, backupId, kind, application, dataKey, format, sizeBytes, sha256, startedAt,
        finishedAt, workflowId, database, files, null);
  }
}
