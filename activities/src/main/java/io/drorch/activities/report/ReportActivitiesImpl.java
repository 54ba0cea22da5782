package io.drorch.activities.report;

import io.drorch.activities.common.Json;
import io.drorch.activities.storage.BackupStore;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageErrors;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.WriteDrillReportInput;
import io.drorch.workflows.contracts.commands.WritePostmortemInput;
import io.drorch.workflows.contracts.values.Postmortem;
import io.drorch.workflows.contracts.commands.WriteReportInput;
import io.drorch.workflows.contracts.values.DrillReport;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.ReportLocation;
import io.drorch.workflows.report.ReportActivities;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the incident report as {@code PREFIX/reports/INC-42/recovery-report.md} and {@code
 * .json}. Idempotent: the same report overwrites the same two keys (the only objects we ever
 * overwrite; with bucket versioning the earlier versions stay).
 */
public class ReportActivitiesImpl implements ReportActivities {
  private static final Logger LOG = LoggerFactory.getLogger(ReportActivitiesImpl.class);
  public static final String MARKDOWN_FILE = "recovery-report.md";
  public static final String JSON_FILE = "recovery-report.json";
  /** The first version of a report, kept when the post-mortem re-renders it. */
  public static final String FIRST_MARKDOWN_FILE = "recovery-report.v1.md";
  public static final String FIRST_JSON_FILE = "recovery-report.v1.json";
  public static final String DRILL_MARKDOWN_FILE = "drill-report.md";
  public static final String DRILL_JSON_FILE = "drill-report.json";

  private final S3Clients s3;

  public ReportActivitiesImpl(S3Clients s3) {
    this.s3 = s3;
  }

  @Override
  public ReportLocation writeReport(WriteReportInput input) {
    if (input == null || input.storage() == null || input.report() == null) {
      throw DrError.BAD_INPUT.failure("writeReport needs the storage and the report");
    }
    StorageTarget storage = input.storage();
    RecoveryReport r = input.report();
    String mdKey;
    String jsonKey;
    try {
      mdKey = BackupKeys.reportKey(storage, r.incidentId(), MARKDOWN_FILE);
      jsonKey = BackupKeys.reportKey(storage, r.incidentId(), JSON_FILE);
    } catch (IllegalArgumentException e) {
      throw DrError.BAD_INPUT.failure("Incident id " + r.incidentId() + " cannot name a report: "
          + e.getMessage(), e);
    }
    RecoveryReport stored = withKeys(r, mdKey, jsonKey);
    BackupStore store = s3.store(storage);
    try {
      store.put(jsonKey, Json.bytes(stored), "application/json");
      store.put(mdKey, ReportMarkdown.render(stored).getBytes(StandardCharsets.UTF_8),
          "text/markdown; charset=utf-8");
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, storage, "write the report of " + r.incidentId());
    }
    LOG.info("Report of {} stored at s3://{}/{}", r.incidentId(), storage.bucket(), mdKey);
    return new ReportLocation(mdKey, jsonKey);
  }

  @Override
  public ReportLocation writeDrillReport(WriteDrillReportInput input) {
    if (input == null || input.storage() == null || input.report() == null) {
      throw DrError.BAD_INPUT.failure("writeDrillReport needs the storage and the report");
    }
    StorageTarget storage = input.storage();
    DrillReport r = input.report();
    String mdKey;
    String jsonKey;
    try {
      mdKey = BackupKeys.drillReportKey(storage, r.drillId(), DRILL_MARKDOWN_FILE);
      jsonKey = BackupKeys.drillReportKey(storage, r.drillId(), DRILL_JSON_FILE);
    } catch (IllegalArgumentException e) {
      throw DrError.BAD_INPUT.failure("Drill id " + r.drillId() + " cannot name a report: "
          + e.getMessage(), e);
    }
    DrillReport stored = r.withKeys(mdKey, jsonKey);
    BackupStore store = s3.store(storage);
    try {
      store.put(jsonKey, Json.bytes(stored), "application/json");
      store.put(mdKey, DrillMarkdown.render(stored).getBytes(StandardCharsets.UTF_8),
          "text/markdown; charset=utf-8");
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, storage, "write the drill report of " + r.drillId());
    }
    LOG.info("Drill report of {} stored at s3://{}/{}", r.drillId(), storage.bucket(), mdKey);
    return new ReportLocation(mdKey, jsonKey);
  }

  @Override
  public ReportLocation writePostmortem(WritePostmortemInput input) {
    if (input == null || input.storage() == null || input.postmortem() == null) {
      throw DrError.BAD_INPUT.failure("writePostmortem needs the storage and the post-mortem");
    }
    StorageTarget storage = input.storage();
    Postmortem pm = input.postmortem();
    String incident = pm.incidentId();
    String mdKey = BackupKeys.reportKey(storage, incident, MARKDOWN_FILE);
    String jsonKey = BackupKeys.reportKey(storage, incident, JSON_FILE);
    BackupStore store = s3.store(storage);
    try {
      byte[] json = store.readSmall(jsonKey).orElseThrow(() -> DrError.BAD_INPUT.failure(
          "incident " + incident + " has no stored report at " + jsonKey + ": nothing to"
              + " re-render"));
      RecoveryReport first;
      try {
        first = Json.read(json, RecoveryReport.class);
      } catch (java.io.IOException e) {
        throw DrError.BAD_INPUT.failure(jsonKey + " is not a recovery report: " + e.getMessage(),
            e);
      }
      if (first.postmortem() == null) {
        // keep the first version (write-once: a repeated call finds it there)
        byte[] md = store.readSmall(mdKey).orElseGet(() ->
            ReportMarkdown.render(first).getBytes(StandardCharsets.UTF_8));
        store.putIfAbsent(BackupKeys.reportKey(storage, incident, FIRST_JSON_FILE), json,
            "application/json");
        store.putIfAbsent(BackupKeys.reportKey(storage, incident, FIRST_MARKDOWN_FILE), md,
            "text/markdown; charset=utf-8");
      }
      RecoveryReport updated = withKeys(first, mdKey, jsonKey).withPostmortem(pm);
      store.put(jsonKey, Json.bytes(updated), "application/json");
      store.put(mdKey, ReportMarkdown.render(updated).getBytes(StandardCharsets.UTF_8),
          "text/markdown; charset=utf-8");
    } catch (io.temporal.failure.ApplicationFailure e) {
      throw e;
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, storage, "re-render the report of " + incident);
    }
    LOG.info("Report of {} re-rendered with its post-mortem at s3://{}/{}", incident,
        storage.bucket(), mdKey);
    return new ReportLocation(mdKey, jsonKey);
  }

  static RecoveryReport withKeys(RecoveryReport r, String mdKey, String jsonKey) {
    return new RecoveryReport(r.incidentId(), r.application(), r.scope(), r.tier(), r.requestedBy(),
        r.incidentAt(), r.startedAt(), r.finishedAt(), r.outcome(), r.outcomeDetail(),
        r.rtoObjective(), r.rtoAchieved(), r.rpoObjective(), r.rpoAchieved(), r.timeline(),
        r.backups(), r.decisions(), r.notifications(), r.postRecoveryChecklist(), mdKey, jsonKey,
        r.planSha256(), r.refusedDecisions(), r.postmortem());
  }
}
