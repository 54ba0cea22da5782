package io.drorch.workflows.backup;

import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place object keys and backup ids are made. Layout under the plan's prefix:
 *
 * <pre>
 *   PREFIX/database/db-20261126T020000Z-3f9a1c.dump            pg_dump -Fc output
 *   PREFIX/database/db-20261126T020000Z-3f9a1c.manifest.json   written last: the commit marker
 *   PREFIX/files/files-20261126T023000Z-77b0e2.tar.gz          tar.gz of the uploads directory
 *   PREFIX/files/files-20261126T023000Z-77b0e2.listing.jsonl   one line per file: path, size, sha256
 *   PREFIX/files/files-20261126T023000Z-77b0e2.manifest.json   written last
 *   PREFIX/files/files-20261126T023000Z-77b0e2.verified.json   restore-test verdict (write-once)
 *   PREFIX/base/base-20261126T010000Z-9c2e11.pgbackrest.json   a pgBackRest base backup's record
 *   PREFIX/base/base-20261126T010000Z-9c2e11.manifest.json     written last
 *   PREFIX/pgbackrest/...                                      pgBackRest's repository (its own)
 *   PREFIX/reports/...                                         incident and drill reports
 *   PREFIX/leases/recovery-INC-42.json                         backups a running recovery may use
 *   PREFIX/drills/drill-20261201T030000Z/drill-report.md       DR drill reports (and .json)
 * </pre>
 *
 * A retried upload attempt writes under a fresh key ({@code .attempt2.dump}) so no object is ever
 * overwritten; only the key named by the manifest counts.
 *
 * <p>The <em>backup keys</em> are exactly the keys {@link #parse} recognises: in a kind's folder, a
 * backup id of that kind ({@code db-20261126T020000Z-3f9a1c}), an optional {@code .attemptN}
 * (N &ge; 2) and the data, listing, manifest or marker suffix. The retention sweep deletes
 * nothing else.
 */
public final class BackupKeys {
  public static final String MANIFEST_SUFFIX = ".manifest.json";
  /** The restore-verification marker beside a backup (a {@code RestoreVerdict}), write-once. */
  public static final String VERIFIED_SUFFIX = ".verified.json";
  public static final String LISTING_SUFFIX = ".listing.jsonl";
  /** The record of a pgBackRest base backup (its label, WAL range, repository): kind BASE. */
  public static final String BASE_RECORD_SUFFIX = ".pgbackrest.json";
  /** Suffixes of data objects per kind ({@code .dump.zst}, {@code .tar.zst}: {@code compression: zstd}). */
  private static final Map<BackupKind, List<String>> DATA_SUFFIXES = Map.of(
      BackupKind.DATABASE, List.of(".dump", ".dump.zst"),
      BackupKind.FILES, List.of(".tar.gz", ".tar.zst"),
      BackupKind.BASE, List.of(BASE_RECORD_SUFFIX));
  private static final Pattern ID_TAIL = Pattern.compile("-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{1,12}");
  private static final Pattern ATTEMPT = Pattern.compile("\\.attempt([2-9]|[1-9][0-9]{1,3})");
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
    return dataKey(storage, BackupKind.FILES, backupId, LISTING_SUFFIX, attempt);
  }

  /** {@code PREFIX/leases/}: where recoveries and drills lease the backups they may use. */
  public static String leasesFolder(StorageTarget storage) {
    return root(storage) + "leases/";
  }

  /**
   * The lease object of a workflow: {@code PREFIX/leases/<workflow-id>.json}, with any character
   * other than letters, digits, {@code . _ -} replaced by {@code _}.
   */
  public static String leaseKey(StorageTarget storage, String workflowId) {
    String name = workflowId.replaceAll("[^A-Za-z0-9._-]", "_");
    return leasesFolder(storage) + (name.matches("\\.*") ? "_" + name : name) + ".json";
  }

  /** True for an id this tool makes for {@code kind}: {@code db-20261126T020000Z-3f9a1c}. */
  public static boolean isBackupId(BackupKind kind, String id) {
    return id != null && id.startsWith(kind.idPrefix())
        && ID_TAIL.matcher(id.substring(kind.idPrefix().length())).matches();
  }

  /** What an object of a backup is. */
  public enum Part { MANIFEST, DATA, LISTING, VERIFIED }

  /** A backup key, taken apart. {@code attempt} is 1 for a key without {@code .attemptN}. */
  public record BackupKey(BackupKind kind, String backupId, Part part, int attempt) {}

  /**
   * The backup key {@code key} is, or empty when it is not one: any other object under the
   * prefix (reports, leases, a file someone put there, a key of a backup id of another kind or
   * shape) is not a backup's, and the retention sweep never deletes it.
   */
  public static Optional<BackupKey> parse(StorageTarget storage, String key) {
    if (key == null) {
      return Optional.empty();
    }
    for (BackupKind kind : BackupKind.values()) {
      String folder = folder(storage, kind);
      if (!key.startsWith(folder)) {
        continue;
      }
      String name = key.substring(folder.length());
      int dot = name.indexOf('.');
      if (dot < 0 || name.contains("/") || !isBackupId(kind, name.substring(0, dot))) {
        return Optional.empty();
      }
      String id = name.substring(0, dot);
      String rest = name.substring(dot);
      if (rest.equals(MANIFEST_SUFFIX)) {
        return Optional.of(new BackupKey(kind, id, Part.MANIFEST, 1));
      }
      if (rest.equals(VERIFIED_SUFFIX)) {
        return Optional.of(new BackupKey(kind, id, Part.VERIFIED, 1));
      }
      int attempt = 1;
      Matcher m = ATTEMPT.matcher(rest);
      if (m.lookingAt()) {
        attempt = Integer.parseInt(m.group(1));
        rest = rest.substring(m.end());
      }
      if (DATA_SUFFIXES.get(kind).contains(rest)) {
        return Optional.of(new BackupKey(kind, id, Part.DATA, attempt));
      }
      if (kind == BackupKind.FILES && rest.equals(LISTING_SUFFIX)) {
        return Optional.of(new BackupKey(kind, id, Part.LISTING, attempt));
      }
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** True when {@code key} is a {@code part} key of backup {@code backupId} of {@code kind}. */
  public static boolean isKeyOf(StorageTarget storage, String key, BackupKind kind,
      String backupId, Part part) {
    return parse(storage, key)
        .filter(k -> k.kind() == kind && k.backupId().equals(backupId) && k.part() == part)
        .isPresent();
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

  /** {@code PREFIX/drills/}: where DR drill reports live, one folder per drill. */
  public static String drillsFolder(StorageTarget storage) {
    return root(storage) + "drills/";
  }

  /**
   * A report file of a drill: {@code PREFIX/drills/drill-20261201T030000Z/drill-report.md}. Drill
   * ids and file names are single key segments of letters, digits, {@code . _ -}.
   */
  public static String drillReportKey(StorageTarget storage, String drillId, String fileName) {
    for (String part : new String[] {drillId, fileName}) {
      if (part == null || !part.matches("[A-Za-z0-9._-]+") || part.matches("\\.+")) {
        throw new IllegalArgumentException(
            "not a key segment (letters, digits, . _ - only): " + part);
      }
    }
    return drillsFolder(storage) + drillId + "/" + fileName;
  }

  /** The backup id a key belongs to (its file name up to the first dot). */
  public static String backupIdOf(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }
}
