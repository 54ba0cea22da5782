package io.drorch.workflows.backup;

import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one place object keys and backup ids are made. Layout under the plan's prefix:
 *
 * <pre>
 *   PREFIX/database/db-20261126T020000Z-3f9a1c.dump            pg_dump -Fc output
 *   PREFIX/database/db-20261126T020000Z-3f9a1c.manifest.json   written last: the commit marker
 *   PREFIX/files/files-20261126T023000Z-77b0e2.tar.gz          tar.gz of the uploads directory
 *   PREFIX/files/files-20261126T023000Z-77b0e2.listing.jsonl   one line per file: path, size, sha256
 *   PREFIX/files/files-20261126T023000Z-77b0e2.manifest.json   written last
 *   PREFIX/&lt;kind&gt;/&lt;backup-id&gt;.verified.json                    restore test verdict, written once
 *   PREFIX/reports/...                                         incident and drill reports
 * </pre>
 *
 * A retried upload attempt writes under a fresh key ({@code .attempt2.dump}) so no object is ever
 * overwritten; only the key named by the manifest counts.
 */
public final class BackupKeys {
  public static final String MANIFEST_SUFFIX = ".manifest.json";
  /** The restore-verification marker beside a backup (a {@code RestoreVerdict}). */
  public static final String VERIFIED_SUFFIX = ".verified.json";
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private BackupKeys() {}

  /**
   * A backup id: kind, UTC start time and a short unique part: the last 6 hex digits of the run
   * id (run ids are time-ordered UUIDs, so their first digits repeat for runs started together).
   */
  public static String newBackupId(BackupKind kind, Instant startedAt, String runId) {
    String hex = runId.replace("-", "");
    return kind.idPrefix() + "-" + ID_TIME.format(startedAt) + "-"
        + hex.substring(Math.max(0, hex.length() - 6));
  }

  public static String folder(StorageTarget storage, BackupKind kind) {
    return root(storage) + kind.folder() + "/";
  }

  public static String root(StorageTarget storage) {
    String p = storage.prefix() == null ? "" : storage.prefix().replaceAll("^/+|/+$", "");
    return p.isEmpty() ? "" : p + "/";
  }

  /** {@code s3://bucket/key}, for people (Web UI summaries, messages). */
  public static String url(StorageTarget storage, String key) {
    return "s3://" + storage.bucket() + "/" + key;
  }

  public static String dataKey(StorageTarget storage, BackupKind kind, String backupId,
      String extension, int attempt) {
    String attemptPart = attempt > 1 ? ".attempt" + attempt : "";
    return folder(storage, kind) + backupId + attemptPart + extension;
  }

  public static String manifestKey(StorageTarget storage, BackupKind kind, String backupId) {
    return folder(storage, kind) + backupId + MANIFEST_SUFFIX;
  }

  /**
   * The restore-verification marker of a backup: {@code PREFIX/database/db-….verified.json},
   * written once ({@code If-None-Match: *}) by the restore test, never overwritten.
   */
  public static String verifiedKey(StorageTarget storage, BackupKind kind, String backupId) {
    return folder(storage, kind) + backupId + VERIFIED_SUFFIX;
  }

  public static String listingKey(StorageTarget storage, String backupId, int attempt) {
    return dataKey(storage, BackupKind.FILES, backupId, ".listing.jsonl", attempt);
  }

  /**
   * A report file of an incident: {@code PREFIX/reports/INC-42/recovery-report.md}. Incident ids
   * and file names are single key segments of letters, digits, {@code . _ -}.
   */
  public static String reportKey(StorageTarget storage, String incidentId, String fileName) {
    for (String part : new String[] {incidentId, fileName}) {
      if (part == null || !part.matches("[A-Za-z0-9._-]+") || part.matches("\\.+")) {
        throw new IllegalArgumentException(
            "not a key segment (letters, digits, . _ - only): " + part);
      }
    }
    return root(storage) + "reports/" + incidentId + "/" + fileName;
  }

  /** The backup id a key belongs to (its file name up to the first dot). */
  public static String backupIdOf(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }
}
