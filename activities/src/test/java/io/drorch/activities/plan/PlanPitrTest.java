package io.drorch.activities.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.PlanFixtures;
import io.drorch.workflows.contracts.plan.PitrSettings;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code database.pitr} and {@code schedules.rpo-watch}: parsing, defaults, errors, warnings. */
class PlanPitrTest {
  private static final String COMPRESSION = "  compression: gzip          # gzip (pg_dump -Fc) or"
      + " zstd (pg_dump -Fc -Z0 | zstd)\n";

  private static String withPitr(String pitrLines) {
    return PlanFixtures.exampleWith(COMPRESSION, COMPRESSION + "  pitr:\n" + pitrLines);
  }

  private static ValidatedPlan parse(String yaml) {
    return PlanLoader.parse(yaml, PlanFixtures.examplePlan(), Map.of());
  }

  private static PlanProblem problemAt(String yaml, String path) {
    PlanException e = assertThrows(PlanException.class, () -> parse(yaml));
    return e.problems().stream().filter(p -> p.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no problem at " + path + " in:\n" + e.getMessage()));
  }

  @Test
  void pitrWithOnlyTheDataDirectoryTakesEveryDefaultAndSilencesTheRpoWarning() {
    ValidatedPlan loaded = parse(withPitr("    data-directory: /var/lib/postgresql/15/main\n"));
    PitrSettings p = loaded.plan().database().pitr();
    assertEquals("ai-docs-assistant", p.stanza());
    assertEquals("/var/lib/postgresql/15/main", p.dataDirectory());
    assertEquals(PlanDefaults.PITR_SOCKET_DIRECTORY, p.socketDirectory());
    assertEquals("postgres", p.osUser());
    assertNull(p.repoEndpoint());
    assertEquals(Map.of(), p.repoOptions());
    assertEquals(14, p.fullRetentionDays());
    assertEquals("0 1 * * 0", p.fullBackup());
    assertEquals("0 1 * * 1-6", p.diffBackup());
    assertEquals(Duration.ofSeconds(60), p.archiveTimeoutMax());
    assertEquals("/var/tmp/dr-orchestrator/pgbackrest/ai-docs-assistant.conf", p.configFile());
    assertTrue(loaded.warnings().stream().noneMatch(w -> w.path().equals("schedules.database-backup")),
        "with PITR the daily dump is not what meets the RPO: " + loaded.warnings());
    // and without PITR the warning is there (the example plan)
    assertTrue(parse(PlanFixtures.exampleText()).warnings().stream()
        .anyMatch(w -> w.path().equals("schedules.database-backup")));
  }

  @Test
  void everyPitrKeyIsReadAndWrittenBack() {
    ValidatedPlan loaded = parse(withPitr(String.join("\n",
        "    stanza: main",
        "    data-directory: /srv/pg/data",
        "    socket-directory: /tmp",
        "    os-user: pg",
        "    repo-endpoint: https://s3.example.com:8443",
        "    repo-options:",
        "      storage-ca-file: /etc/ssl/s3.pem",
        "      s3-uri-style: path",
        "    full-retention-days: 30",
        "    full-backup: \"0 3 * * 6\"",
        "    diff-backup: \"0 3 * * *\"",
        "    archive-timeout-max: 30s",
        "    config-file: /etc/pgbackrest/main.conf",
        "")));
    PitrSettings p = loaded.plan().database().pitr();
    assertEquals(new PitrSettings("main", "/srv/pg/data", "/tmp", "pg",
        "https://s3.example.com:8443",
        Map.of("storage-ca-file", "/etc/ssl/s3.pem", "s3-uri-style", "path"), 30, "0 3 * * 6",
        "0 3 * * *", Duration.ofSeconds(30), "/etc/pgbackrest/main.conf"), p);
    // written back by PlanWriter and loaded again: the same settings
    assertEquals(p, parse(PlanWriter.yaml(loaded.plan())).plan().database().pitr());
  }

  @Test
  void mistakesAreErrorsThatNameTheFix() {
    assertTrue(problemAt(withPitr("    stanza: main\n"), "database.pitr.data-directory")
        .problem().contains("required"));
    assertTrue(problemAt(withPitr("    data-directory: /d\n    repo-endpoint: http://s3:9000\n"),
        "database.pitr.repo-endpoint").problem().contains("only HTTPS"));
    assertTrue(problemAt(withPitr("    data-directory: /d\n    repo-options:\n      type: posix\n"),
        "database.pitr.repo-options.type").problem().contains("set by the plan itself"));
    assertTrue(problemAt(withPitr("    data-directory: /d\n    full-retention-day: 3\n"),
        "database.pitr.full-retention-day").problem().contains("full-retention-days"));
    assertTrue(problemAt(withPitr("    data-directory: relative/dir\n"),
        "database.pitr.data-directory").problem().contains("absolute"));
    assertTrue(problemAt(withPitr("    data-directory: /d\n    diff-backup: \"every day\"\n"),
        "database.pitr.diff-backup") != null);
  }

  @Test
  void rpoWatchIsAnInterval() {
    String yaml = PlanFixtures.exampleWith("  catchup-window: 1h",
        "  rpo-watch: 5m\n  catchup-window: 1h");
    assertEquals(Duration.ofMinutes(5), parse(yaml).plan().schedules().rpoWatch());
    assertNull(parse(PlanFixtures.exampleText()).plan().schedules().rpoWatch());
    assertTrue(problemAt(PlanFixtures.exampleWith("  catchup-window: 1h",
        "  rpo-watch: 500ms\n  catchup-window: 1h"), "schedules.rpo-watch") != null);
  }
}
