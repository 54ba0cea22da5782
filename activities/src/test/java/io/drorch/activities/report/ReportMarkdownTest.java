package io.drorch.activities.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupUsed;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.NotificationRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PhaseRecord;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RefusedDecision;
import io.drorch.workflows.contracts.values.SignedBy;
import io.drorch.workflows.contracts.values.StepState;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportMarkdownTest {
  static final Instant INCIDENT = Instant.parse("2026-11-26T01:30:00Z");
  static final Instant START = Instant.parse("2026-11-26T01:40:00Z");

  static RecoveryReport report() {
    return new RecoveryReport("INC-42", "AI Docs Assistant",
        List.of(RecoveryScope.DATABASE, RecoveryScope.FILES, RecoveryScope.APPLICATION),
        Tier.CRITICAL, "alice", INCIDENT, START, START.plus(Duration.ofMinutes(95)),
        Outcome.RECOVERED, "Database, files and application recovered",
        Duration.ofHours(4), Duration.ofMinutes(105),
        Map.of("database", Duration.ofHours(1), "files", Duration.ofHours(24)),
        Map.of("database", Duration.ofMinutes(35), "files", Duration.ofHours(25).plusMinutes(5)),
        List.of(
            new PhaseRecord("notify", StepState.DONE, START, START.plusSeconds(2), "incident-opened sent"),
            new PhaseRecord("restore database", StepState.DONE, START.plusSeconds(60),
                START.plusSeconds(60 + 3900), "pg_restore -j 2 | 12 tables\nmigrations: 0"),
            new PhaseRecord("monitor", StepState.RUNNING, START.plusSeconds(5000), null, null)),
        List.of(
            new BackupUsed(BackupKind.DATABASE, "db-20261126T005500Z-3f9a1c",
                Instant.parse("2026-11-26T00:55:00Z"),
                "ai-docs/database/db-20261126T005500Z-3f9a1c.dump",
                List.of("db-20261126T012000Z-aaaaaa: checksum mismatch")),
            new BackupUsed(BackupKind.FILES, "files-20261125T002500Z-77b0e2",
                Instant.parse("2026-11-25T00:25:00Z"),
                "ai-docs/files/files-20261125T002500Z-77b0e2.tar.gz", List.of())),
        List.of(new DecisionRecord("database-swap", "dana", 2, Verdict.APPROVE, "go ahead",
                START.plusSeconds(40), "db-20261126T005500Z-3f9a1c",
                "9b0e6c1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5",
                List.of(new SignedBy("bob", 1, "SHA256:bobkey", "2026-11-26T01:40:20Z",
                        START.plusSeconds(25), "1st"),
                    new SignedBy("dana", 2, "SHA256:danakey", "2026-11-26T01:40:35Z",
                        START.plusSeconds(40), "go ahead")), 0),
            new DecisionRecord("files-swap", "system", 4, Verdict.REJECT, "nobody answered",
                START.plusSeconds(50), null, null, List.of(), 0)),
        List.of(new NotificationRecord("incident-opened", 0, START, true, null),
            new NotificationRecord("approval-needed", 1, START.plusSeconds(5), false,
                "NOTIFY_FAILED: webhook http://hooks/… (HTTP 500)")),
        List.of("Analyze root cause", "Rotate the database password"),
        "ai-docs/reports/INC-42/recovery-report.md", "ai-docs/reports/INC-42/recovery-report.json",
        "3f2a9c0000000000000000000000000000000000000000000000000000000001",
        List.of(new RefusedDecision("mallory", "database-swap", "APPROVE",
            "unknown approver 'mallory'", START.plusSeconds(30), "signal"),
            new RefusedDecision("x", "database-swap", "APPROVE",
                "signal to child recovery-INC-42-database not confirmed by the gate",
                START.plusSeconds(31), "signal to child")));
  }

  private static void assertContains(String md, String expected) {
    assertTrue(md.contains(expected), "missing <" + expected + "> in:\n" + md);
  }

  @Test
  void rendersSummaryObjectivesTimelineBackupsDecisionsNotificationsAndChecklist() {
    String md = ReportMarkdown.render(report());

    assertTrue(md.startsWith("# Recovery report INC-42 — RECOVERED ✅\n"), md);
    assertContains(md, "> Database, files and application recovered");
    assertContains(md, "| **Tier** | critical |");
    assertContains(md, "| **Requested by** | alice |");
    assertContains(md, "| **Incident time** | 2026-11-26 01:30:00 UTC |");
    assertContains(md, "| **Started** | 2026-11-26 01:40:00 UTC |");
    assertContains(md, "| **Finished** | 2026-11-26 03:15:00 UTC |");
    assertContains(md, "| **Scope** | database, files, application |");
    assertContains(md, "| RTO (critical) | 4h | 1h 45m | ✅ |");
    assertContains(md, "| RPO database | 1h | 35m | ✅ |");
    assertContains(md, "| RPO files | 1d | 1d 1h 05m | ❌ |");
    assertContains(md, "| notify | DONE | 2026-11-26 01:40:00 UTC | 2s | incident-opened sent |");
    assertContains(md, "| restore database | DONE | 2026-11-26 01:41:00 UTC | 1h 05m |"
        + " pg_restore -j 2 \\| 12 tables migrations: 0 |");
    assertContains(md, "| monitor | RUNNING | 2026-11-26 03:03:20 UTC | running | — |");
    assertContains(md, "| database | `db-20261126T005500Z-3f9a1c` | 2026-11-26 00:55:00 UTC |"
        + " `ai-docs/database/db-20261126T005500Z-3f9a1c.dump` |");
    assertContains(md, "- database: db-20261126T012000Z-aaaaaa: checksum mismatch");
    assertContains(md, "| **Plan (SHA-256)** |"
        + " `3f2a9c0000000000000000000000000000000000000000000000000000000001` |");
    assertContains(md, "| database-swap | bob and dana | 2 | APPROVE | 2026-11-26 01:40:40 UTC |"
        + " bob `SHA256:bobkey` at 2026-11-26T01:40:20Z; dana `SHA256:danakey` at"
        + " 2026-11-26T01:40:35Z | `db-20261126T005500Z-3f9a1c` `9b0e6c1f2a3b4c5d…` | go ahead |");
    assertContains(md, "| files-swap | system | 4 | REJECT | 2026-11-26 01:40:50 UTC | — | — |"
        + " nobody answered |");
    assertContains(md, "## Refused decisions\n| When | Claimed by | Step | Verdict | Via | Reason |");
    assertContains(md, "| 2026-11-26 01:40:30 UTC | mallory | database-swap | APPROVE | signal |"
        + " unknown approver 'mallory' |");
    assertContains(md, "| 2026-11-26 01:40:31 UTC | x | database-swap | APPROVE | signal to child |"
        + " signal to child recovery-INC-42-database not confirmed by the gate |");
    assertContains(md, "| incident-opened | 0 | 2026-11-26 01:40:00 UTC | ✅ |");
    assertContains(md, "| approval-needed | 1 | 2026-11-26 01:40:05 UTC | ❌ NOTIFY_FAILED: webhook"
        + " http://hooks/… (HTTP 500) |");
    assertContains(md, "## Post-recovery checklist\n- [ ] Analyze root cause\n- [ ] Rotate the database password\n");
    assertContains(md, "Stored as `ai-docs/reports/INC-42/recovery-report.md` and"
        + " `ai-docs/reports/INC-42/recovery-report.json`.");
  }

  @Test
  void emptyReportRendersNoneAndTheSeedChecklist() {
    RecoveryReport r = new RecoveryReport("INC-1", "App", List.of(), Tier.NON_CRITICAL, null,
        null, null, null, Outcome.ABORTED, null, Duration.ofHours(24), null, null, null,
        List.of(), null, List.of(), List.of(), List.of(), null, null, null, List.of());
    String md = ReportMarkdown.render(r);

    assertTrue(md.startsWith("# Recovery report INC-1 — ABORTED ❌\n"), md);
    assertContains(md, "| RTO (non-critical) | 1d | — | — |");
    assertContains(md, "## Timeline\n_None._");
    assertContains(md, "## Backups used\n_None._");
    assertContains(md, "## Decisions\n_None._");
    assertContains(md, "## Refused decisions\n_None._");
    assertContains(md, "## Notifications\n_None._");
    assertContains(md, "- [ ] Document the incident\n");
    assertContains(md, "- [ ] Conduct team review\n");
  }

  @Test
  void durationsReadWell() {
    assertEquals("45s", ReportMarkdown.duration(Duration.ofSeconds(45)));
    assertEquals("1m 30s", ReportMarkdown.duration(Duration.ofSeconds(90)));
    assertEquals("4h", ReportMarkdown.duration(Duration.ofHours(4)));
    assertEquals("1h 05m", ReportMarkdown.duration(Duration.ofMinutes(65)));
    assertEquals("2d 3h", ReportMarkdown.duration(Duration.ofHours(51)));
    assertEquals("0s", ReportMarkdown.duration(Duration.ZERO));
  }
}
