package io.drorch.activities.report;

import io.drorch.activities.common.Json;
import io.drorch.activities.storage.BackupStore;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.contracts.values.DrillReport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The drill reports stored in S3 ({@code PREFIX/drills/<drill-id>/drill-report.json}), read back
 * without Temporal: {@code dr drills list} and the last drill in {@code dr plan render}. Read-only.
 */
public final class StoredDrills {
  private final BackupStore store;

  public StoredDrills(BackupStore store) {
    this.store = store;
  }

  /** One stored drill; {@code problem} set (and {@code report} null) when its JSON is unreadable. */
  public record Stored(String drillId, DrillReport report, String problem) {}

  /** Every stored drill, newest first (by start time, else id), at most {@code limit}. */
  public List<Stored> list(int limit) {
    String prefix = BackupKeys.drillsFolder(store.target());
    TreeSet<String> ids = new TreeSet<>();
    for (BackupStore.ObjectInfo o : store.list(prefix)) {
      String rest = o.key().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash > 0 && rest.substring(slash + 1).equals(ReportActivitiesImpl.DRILL_JSON_FILE)) {
        ids.add(rest.substring(0, slash));
      }
    }
    List<Stored> out = new ArrayList<>();
    for (String id : ids) {
      try {
        out.add(new Stored(id, report(id).orElse(null), null));
      } catch (IllegalStateException e) {
        out.add(new Stored(id, null, e.getMessage()));
      }
    }
    out.sort(Comparator.comparing((Stored s) -> s.report() == null ? null
            : s.report().startedAt(), Comparator.nullsLast(Comparator.reverseOrder()))
        .thenComparing(Stored::drillId, Comparator.reverseOrder()));
    return out.subList(0, Math.min(limit, out.size()));
  }

  /** The newest drill with a readable report, if any. */
  public Optional<DrillReport> last() {
    return list(Integer.MAX_VALUE).stream().map(Stored::report).filter(r -> r != null)
        .findFirst();
  }

  public Optional<DrillReport> report(String drillId) {
    String key = BackupKeys.drillReportKey(store.target(), drillId,
        ReportActivitiesImpl.DRILL_JSON_FILE);
    Optional<byte[]> json = store.readSmall(key);
    if (json.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.read(json.get(), DrillReport.class));
    } catch (IOException e) {
      throw new IllegalStateException("s3://" + store.target().bucket() + "/" + key
          + " is not a drill report: " + e.getMessage(), e);
    }
  }
}
