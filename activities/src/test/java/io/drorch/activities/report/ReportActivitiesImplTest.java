package io.drorch.activities.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.ActivityTestBase;
import io.drorch.activities.common.Json;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.WriteReportInput;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupUsed;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.NotificationRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PhaseRecord;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.ReportLocation;
import io.drorch.workflows.contracts.values.StepState;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.report.ReportActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The report activity stores Markdown and JSON under the prefix; both read back. */
class ReportActivitiesImplTest extends ActivityTestBase {
  private static final String BUCKET = "act-report";

  private ReportActivities activities;

  @BeforeAll
  static void createBucket() {
    s3.createBucket(BUCKET);
  }

  @BeforeEach
  void setUp() {
    env.registerActivitiesImplementations(new ReportActivitiesImpl(clients));
    activities = stub(ReportActivities.class, Duration.ofMinutes(1));
  }

  private static StorageTarget storage() {
    return storage(BUCKET, "ai-docs");
  }

  private static RecoveryReport report(String incident, Outcome outcome) {
    Instant start = Instant.parse("2026-11-26T01:40:00Z");
    return new RecoveryReport(incident, "AI Docs Assistant", List.of(RecoveryScope.DATABASE),
        Tier.CRITICAL, "alice", start.minusSeconds(600), start, start.plusSeconds(3600), outcome,
        null, Duration.ofHours(4), Duration.ofMinutes(70), Map.of("database", Duration.ofHours(1)),
        Map.of("database", Duration.ofMinutes(45)),
        List.of(new PhaseRecord("restore database", StepState.DONE, start, start.plusSeconds(600), null)),
        List.of(new BackupUsed(BackupKind.DATABASE, "db-1", start.minusSeconds(2100), "ai-docs/x.dump",
            List.of())),
        List.of(new DecisionRecord("restore database", "bob", 1, Verdict.APPROVE, null, start,
            "db-1", "c0ffee", List.of(), 0)),
        List.of(new NotificationRecord("recovered", 0, start.plusSeconds(3600), true, null)),
        List.of("Analyze root cause"), null, null, "ab12", List.of());
  }

  private static String read(String key) {
    return s3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asString(StandardCharsets.UTF_8);
  }

  @Test
  void storesMarkdownAndJsonUnderReportsOfTheIncident() throws Exception {
    RecoveryReport report = report("INC-42", Outcome.RECOVERED);

    ReportLocation at = activities.writeReport(new WriteReportInput(storage(), report));

    assertEquals("ai-docs/reports/INC-42/recovery-report.md", at.markdownKey());
    assertEquals("ai-docs/reports/INC-42/recovery-report.json", at.jsonKey());
    String md = read(at.markdownKey());
    assertTrue(md.startsWith("# Recovery report INC-42 — RECOVERED ✅"), md);
    assertTrue(md.contains("| RTO (critical) | 4h | 1h 10m | ✅ |"), md);
    String jsonText = read(at.jsonKey());
    assertTrue(jsonText.contains("\"rtoObjective\" : \"PT4H\""), jsonText);
    RecoveryReport back = Json.read(jsonText.getBytes(StandardCharsets.UTF_8), RecoveryReport.class);
    assertEquals(at.markdownKey(), back.markdownKey());
    assertEquals(at.jsonKey(), back.jsonKey());
    assertEquals(report.timeline(), back.timeline());
    assertEquals(report.decisions(), back.decisions());
    assertEquals(report.rpoAchieved(), back.rpoAchieved());
    assertEquals(report.finishedAt(), back.finishedAt());
  }

  @Test
  void writingTheSameIncidentAgainReplacesItsReport() {
    activities.writeReport(new WriteReportInput(storage(), report("INC-43", Outcome.FAILED)));
    ReportLocation at = activities.writeReport(
        new WriteReportInput(storage(), report("INC-43", Outcome.RECOVERED)));

    assertTrue(read(at.markdownKey()).startsWith("# Recovery report INC-43 — RECOVERED"));
  }

  @Test
  void incidentIdThatCannotNameAKeyIsBadInput() {
    ActivityFailure f = assertThrows(ActivityFailure.class, () -> activities.writeReport(
        new WriteReportInput(storage(), report("../INC-1", Outcome.RECOVERED))));
    ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, f.getCause());
    assertEquals(DrError.BAD_INPUT.name(), af.getType());
  }

  @Test
  void thePostmortemReRendersTheReportAndKeepsTheFirstVersion() throws Exception {
    RecoveryReport report = report("INC-44", Outcome.RECOVERED);
    ReportLocation at = activities.writeReport(new WriteReportInput(storage(), report));
    String firstMd = read(at.markdownKey());
    String firstJson = read(at.jsonKey());
    assertTrue(firstMd.contains("- [ ] Analyze root cause"), firstMd);
    Instant t = Instant.parse("2026-11-27T10:00:00Z");
    io.drorch.workflows.contracts.values.Postmortem pm =
        new io.drorch.workflows.contracts.values.Postmortem("INC-44", List.of(
            new io.drorch.workflows.contracts.values.PostmortemItem(1, "Document the incident",
                "alice", t, true, "db-1 ran out of disk", "alice", t, 0, 0),
            new io.drorch.workflows.contracts.values.PostmortemItem(2, "Analyze root cause",
                "alice", t, true, "WAL archiving stalled", "bob", t, 1, 1)),
            List.of(new io.drorch.workflows.contracts.values.ActionItem(1, "alert at 80% disk",
                "dana", t, true, "dana", t)), List.of("alice", "bob"), t, t);

    ReportLocation again = activities.writePostmortem(
        new io.drorch.workflows.contracts.commands.WritePostmortemInput(storage(), pm));
    // a retry after a lost response changes nothing: the first version stays the first
    activities.writePostmortem(
        new io.drorch.workflows.contracts.commands.WritePostmortemInput(storage(), pm));

    assertEquals(at, again);
    String md = read(at.markdownKey());
    assertTrue(md.contains("## Post-mortem (closed"), md);
    assertTrue(md.contains("WAL archiving stalled"), md);
    assertTrue(md.contains("- [x] #1 alert at 80% disk (owner dana"), md);
    assertTrue(md.contains("Team review attendees: alice, bob"), md);
    assertTrue(!md.contains("- [ ] Analyze root cause"), md);
    RecoveryReport back = Json.read(read(at.jsonKey()).getBytes(StandardCharsets.UTF_8),
        RecoveryReport.class);
    assertEquals(pm, back.postmortem());
    assertEquals(report.decisions(), back.decisions());
    assertEquals(firstMd, read("ai-docs/reports/INC-44/recovery-report.v1.md"));
    assertEquals(firstJson, read("ai-docs/reports/INC-44/recovery-report.v1.json"));
  }
}
