package io.drorch.activities.report;

import io.drorch.activities.common.Json;
import io.drorch.activities.storage.BackupStore;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.contracts.values.RecoveryReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The incident reports {@link ReportActivitiesImpl} stored in S3 ({@code
 * PREFIX/reports/INC-42/recovery-report.md} and {@code .json}), read back without Temporal: what
 * {@code dr report} prints once Temporal's retention has removed the run, and {@code dr reports
 * list}. Read-only.
 */
public final class StoredReports {
  private final BackupStore store;

  public StoredReports(BackupStore store) {
    this.store = store;
  }

  /** One incident's stored report, as a listing shows it. */
  public record Stored(String incident, Instant storedAt, String markdownKey,
      RecoveryReport report, String problem) {}

  /** The report's Markdown as stored (else rendered from its JSON), or empty when there is none. */
  public Optional<String> markdown(String incident) {
    String mdKey = key(incident, ReportActivitiesImpl.MARKDOWN_FILE);
    Optional<byte[]> md = store.readSmall(mdKey);
    if (md.isPresent()) {
      return Optional.of(new String(md.get(), StandardCharsets.UTF_8));
    }
    return report(incident).map(ReportMarkdown::render);
  }

  /** The report's JSON, or empty when there is none; a JSON that is not a report is an error. */
  public Optional<RecoveryReport> report(String incident) {
    String jsonKey = key(incident, ReportActivitiesImpl.JSON_FILE);
    Optional<byte[]> json = store.readSmall(jsonKey);
    if (json.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.read(json.get(), RecoveryReport.class));
    } catch (IOException e) {
      throw new IllegalStateException("s3://" + store.target().bucket() + "/" + jsonKey
          + " is not a recovery report: " + e.getMessage(), e);
    }
  }

  /**
   * Every incident with a stored report, newest first (by the time the report was stored), at
   * most {@code limit}; a report whose JSON cannot be read is listed with the problem.
   */
  public List<Stored> list(int limit) {
    String prefix = BackupKeys.root(store.target()) + "reports/";
    Map<String, Instant> newest = new TreeMap<>();
    for (BackupStore.ObjectInfo o : store.list(prefix)) {
      String rest = o.key().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash > 0 && rest.indexOf('/', slash + 1) < 0) {
        newest.merge(rest.substring(0, slash), o.lastModified(),
            (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    List<Map.Entry<String, Instant>> incidents = new ArrayList<>(newest.entrySet());
    incidents.sort(Map.Entry.<String, Instant>comparingByValue(
        Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(Map.Entry.comparingByKey()));
    List<Stored> out = new ArrayList<>();
    for (Map.Entry<String, Instant> e : incidents.subList(0, Math.min(limit, incidents.size()))) {
      String incident = e.getKey();
      String mdKey = key(incident, ReportActivitiesImpl.MARKDOWN_FILE);
      try {
        RecoveryReport r = report(incident).orElse(null);
        out.add(new Stored(incident, e.getValue(), mdKey, r, r == null ? "no JSON report" : null));
      } catch (IllegalStateException | IllegalArgumentException unreadable) {
        out.add(new Stored(incident, e.getValue(), mdKey, null, unreadable.getMessage()));
      }
    }
    return out;
  }

  private String key(String incident, String file) {
    return BackupKeys.reportKey(store.target(), incident, file);
  }
}
