package io.drorch.starter.backup;

import io.drorch.activities.common.Json;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.RestoreVerification;
import io.drorch.workflows.contracts.values.StoredBackup;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints a backup catalog as a table or as JSON (`dr backups list`, the demo). */
public final class BackupTable {
  private BackupTable() {}

  public static List<StoredBackup> filter(BackupCatalog catalog, BackupKind kind) {
    return catalog.backups().stream()
        .filter(b -> kind == null || (b.manifest() != null && b.manifest().kind() == kind))
        .toList();
  }

  public static void print(List<StoredBackup> backups, int orphans, PrintStream out) {
    out.printf("%-30s %-8s %-20s %10s  %-19s %-12s %s%n",
        "BACKUP", "KIND", "STARTED (UTC)", "SIZE", "STATE", "VERIFIED", "CONTENT");
    for (StoredBackup b : backups) {
      BackupManifest m = b.manifest();
      if (m == null) {
        out.printf("%-30s %-8s %-20s %10s  %-19s %-12s %s%n", b.manifestKey(), "?", "", "",
            "INVALID (manifest)", "", "manifest is unreadable");
        continue;
      }
      out.printf("%-30s %-8s %-20s %10s  %-19s %-12s %s%n", m.backupId(), m.kind().folder(),
          m.startedAt().toString().replace("T", " ").replaceAll("\\.\\d+Z$|Z$", ""),
          human(m.sizeBytes()), state(b), verified(b), content(m));
    }
    if (backups.isEmpty()) {
      out.println("(no backups)");
    } else {
      out.println("VERIFIED: restored = proven restorable by a restore test (row counts / every"
          + " file matched), FAILED = its restore test failed (dr backups list --json says why).");
    }
    if (orphans > 0) {
      out.println(orphans + " object(s) belong to no committed backup (failed attempts);"
          + " the retention sweep removes them after 2 days.");
    }
  }

  static String state(StoredBackup b) {
    return switch (b.state()) {
      case PRESENT -> "VALID";
      case MISSING -> "INVALID (data gone)";
      case SIZE_MISMATCH -> "INVALID (size)";
      case UNREADABLE_MANIFEST -> "INVALID (manifest)";
    };
  }

  /**
   * The restore test's verdict: {@code restored} (VERIFIED_BY_RESTORE), {@code FAILED} (the
   * restore failed: see {@code --json} for why), {@code not tested}, or {@code ?} for an
   * unreadable marker.
   */
  public static String verified(StoredBackup b) {
    RestoreVerification v = b.verification();
    if (v == null) {
      return "not tested";
    }
    if (v.outcome() == null) {
      return "? (marker)";
    }
    return v.verified() ? "restored" : "FAILED";
  }

  static String content(BackupManifest m) {
    if (m.database() != null) {
      long rows = m.database().rowCounts() == null ? 0
          : m.database().rowCounts().values().stream().mapToLong(Long::longValue).sum();
      return m.database().database() + ": " + (m.database().rowCounts() == null ? 0
          : m.database().rowCounts().size()) + " tables, " + rows + " rows, " + m.format();
    }
    if (m.base() != null) {
      var b = m.base();
      return "pgBackRest " + b.type() + " " + b.label() + ", WAL " + b.walStart() + ".."
          + b.walStop() + " (restores to any time from "
          + b.stoppedAt().toString().replace("T", " ").replace("Z", "") + " on), "
          + human(b.databaseBytes()) + " cluster";
    }
    if (m.files() != null) {
      return m.files().sourceDir() + ": " + m.files().fileCount() + " files, "
          + human(m.files().totalBytes()) + ", " + m.format();
    }
    return m.format();
  }

  public static void printJson(List<StoredBackup> backups, PrintStream out) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (StoredBackup b : backups) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("manifestKey", b.manifestKey());
      row.put("valid", b.valid());
      row.put("state", b.state().name());
      row.put("verification", b.verification());
      row.put("manifest", b.manifest());
      rows.add(row);
    }
    out.println(new String(Json.bytes(rows), java.nio.charset.StandardCharsets.UTF_8));
  }

  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }
}
