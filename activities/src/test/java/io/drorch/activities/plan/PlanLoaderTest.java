package io.drorch.activities.plan;

import io.drorch.local.PlanFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanLoaderTest {

  private static ValidatedPlan parse(String yaml) {
    return parse(yaml, Map.of());
  }

  private static ValidatedPlan parse(String yaml, Map<String, String> env) {
    return PlanLoader.parse(yaml, PlanFixtures.examplePlan(), env);
  }

  private static PlanException failure(String yaml) {
    return assertThrows(PlanException.class, () -> parse(yaml));
  }

  private static PlanProblem problemAt(PlanException e, String path) {
    return e.problems().stream().filter(p -> p.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no problem at " + path + " in:\n" + e.getMessage()));
  }

  @Test
  void exampleDrPlanLoadsWithTheSeedsObjectivesAndFourEscalationLevels() {
    ValidatedPlan loaded = PlanLoader.loadWithWarnings(PlanFixtures.examplePlan(), Map.of());
    DrPlan plan = loaded.plan();

    assertEquals("AI Docs Assistant", plan.application());
    assertEquals(Duration.ofHours(4), plan.objectives().rtoCritical());
    assertEquals(Duration.ofHours(24), plan.objectives().rtoNonCritical());
    assertEquals(Duration.ofHours(1), plan.objectives().rpoDatabase());
    assertEquals(Duration.ofHours(24), plan.objectives().rpoFiles());
    assertEquals("localhost", plan.database().host());
    assertEquals(5432, plan.database().port());
    assertEquals("filesystem:sample/db/migration", plan.database().migrations());
    assertEquals("gzip", plan.database().compression());
    assertEquals("/app/uploads", plan.files().uploadsDir());
    assertEquals("gzip", plan.files().compression());
    assertEquals("ai-docs-dr-backups", plan.storage().bucket());
    assertNull(plan.storage().endpoint(), "empty ${DR_S3_ENDPOINT:-} means AWS S3");
    assertEquals(30, plan.storage().retentionDays());
    assertTrue(plan.storage().versioning());
    assertEquals(30, plan.storage().noncurrentVersionDays());
    assertEquals("UTC", plan.schedules().timezone());
    assertEquals("0 2 * * *", plan.schedules().databaseBackup());
    assertEquals(Duration.ofHours(1), plan.schedules().catchupWindow());
    assertEquals(List.of(1, 2, 3, 4), plan.escalation().stream().map(EscalationLevel::level).toList());
    assertEquals(List.of("Infrastructure Team", "Development Team Lead", "CTO", "CEO"),
        plan.escalation().stream().map(EscalationLevel::name).toList());
    assertEquals(Duration.ofMinutes(30), plan.escalation().get(0).timeout());
    assertEquals(Duration.ofMinutes(15), plan.notifications().progressInterval());
    assertEquals(List.of("log", "webhook"),
        plan.notifications().channels().stream().map(c -> c.type()).toList());
  }

  @Test
  void loadReturnsThePlanOfTheExampleFile() {
    // the process environment may set DR_* variables; the shape must load either way
    assertEquals("AI Docs Assistant", PlanLoader.load(PlanFixtures.examplePlan()).application());
  }

  @Test
  void dailyDatabaseBackupAgainstOneHourRpoIsAWarningNotAnError() {
    ValidatedPlan loaded = parse(PlanFixtures.exampleText());

    PlanProblem warning = loaded.warnings().stream()
        .filter(w -> w.path().equals("schedules.database-backup")).findFirst()
        .orElseThrow(() -> new AssertionError("no RPO warning in " + loaded.warnings()));
    assertEquals("0 2 * * *", warning.value());
    assertTrue(warning.problem().contains("24 hours"), warning.problem());
    assertTrue(warning.problem().contains("1 hour"), warning.problem());
    assertTrue(warning.problem().contains("point-in-time recovery"), warning.problem());
    assertFalse(loaded.warnings().stream().anyMatch(w -> w.path().equals("schedules.file-backup")),
        "daily file backups meet a 24h RPO: " + loaded.warnings());
  }

  @Test
  void retentionKeysKeepVerifiedAndObjectLock() {
    DrPlan example = parse(PlanFixtures.exampleText()).plan();
    assertEquals(1, example.storage().keepVerified());
    assertEquals(null, example.storage().objectLock(), "commented out in the example");

    ValidatedPlan locked = parse(PlanFixtures.exampleWith(
        "keep-verified: 1 ", "keep-verified: 3 ",
        "# object-lock: {mode: governance, days: 30}", "object-lock: {mode: compliance, days: 45}"));
    assertEquals(3, locked.plan().storage().keepVerified());
    assertEquals(new io.drorch.workflows.contracts.plan.ObjectLockSettings(
        io.drorch.workflows.contracts.plan.ObjectLockMode.COMPLIANCE, 45),
        locked.plan().storage().objectLock());
    assertTrue(locked.warnings().stream().anyMatch(w -> w.path().equals("storage.object-lock.days")),
        "a lock longer than retention keeps backups longer: " + locked.warnings());

    PlanException e = failure(PlanFixtures.exampleWith(
        "keep-verified: 1 ", "keep-verified: -1 ",
        "versioning: true", "versioning: false",
        "# object-lock: {mode: governance, days: 30}", "object-lock: {mode: legal, days: 0}"));
    List<String> paths = e.problems().stream().map(PlanProblem::path).toList();
    assertTrue(paths.containsAll(List.of("storage.keep-verified", "storage.object-lock.mode",
        "storage.object-lock.days")), paths.toString());
  }

  @Test
  void hourlyDatabaseBackupMeetsTheOneHourRpo() {
    ValidatedPlan loaded = parse(PlanFixtures.exampleWith(
        "database-backup: \"0 2 * * *\"", "database-backup: \"15 * * * *\""));

    assertTrue(loaded.warnings().stream().noneMatch(w -> w.path().startsWith("schedules")),
        loaded.warnings().toString());
  }

  @Test
  void invalidPlanListsEveryProblemWithItsPathInOneException() {
    PlanException e = failure(PlanFixtures.exampleWith(
        "retention-days: 30", "retention-days: 0",
        "port: ${DR_DB_PORT:-5432}", "port: 70000",
        "bucket: ${DR_S3_BUCKET:-ai-docs-dr-backups}", "bucket: AI_Docs",
        "compression: gzip          # gzip (pg_dump", "compression: lz4          # gzip (pg_dump",
        "compression: gzip          # gzip (tar.gz)", "compression: zip          # gzip (tar.gz)",
        "uploads: ${DR_UPLOADS_DIR:-/app/uploads}", "uploads: app/uploads",
        "endpoint: ${DR_S3_ENDPOINT:-}", "endpoint: minio:9000",
        "url: ${DR_WEBHOOK_URL:-http://localhost:8099/dr-events}", "url: ftp://hooks.example.com/x",
        "    approvers: [dana]\n", "    approvers: []\n",
        "  name: ${DR_DB_NAME:-ai_docs}\n", ""));

    assertEquals("storage.retention-days: must be at least 1 (days) (got: 0)",
        problemAt(e, "storage.retention-days").toString());
    problemAt(e, "database.port");
    problemAt(e, "database.name");
    problemAt(e, "storage.bucket");
    problemAt(e, "database.compression");
    problemAt(e, "files.uploads");
    problemAt(e, "files.compression");
    problemAt(e, "storage.endpoint");
    problemAt(e, "notifications.channels[1].url");
    problemAt(e, "escalation[1].approvers");
    assertEquals(10, e.problems().size(), e.getMessage());
    // the message names every problem, one per line
    for (PlanProblem p : e.problems()) {
      assertTrue(e.getMessage().contains("\n  " + p), e.getMessage());
    }
    assertTrue(e.getMessage().contains("database.name: is required"), e.getMessage());
    assertTrue(e.getMessage().contains("dr plan validate --plan"), e.getMessage());
  }

  @Test
  void misspelledKeySuggestsTheRightOne() {
    PlanException e = failure(PlanFixtures.exampleWith("retention-days: 30", "retension-days: 30"));

    PlanProblem typo = problemAt(e, "storage.retension-days");
    assertTrue(typo.problem().contains("did you mean retention-days?"), typo.toString());
    problemAt(e, "storage.retention-days"); // and the real key is now missing
  }

  @Test
  void camelCaseKeySuggestsTheKebabCaseOne() {
    PlanException e = failure(PlanFixtures.exampleWith("catchup-window: 1h", "catchupWindow: 1h"));

    assertTrue(problemAt(e, "schedules.catchupWindow").problem().contains("did you mean catchup-window?"));
  }

  @Test
  void environmentVariablesAreSubstitutedBeforeValidation() {
    DrPlan plan = parse(PlanFixtures.exampleText(), Map.of(
        "DR_DB_HOST", "app-db", "DR_DB_PORT", "6543",
        "DR_S3_ENDPOINT", "http://minio:9000", "DR_S3_PATH_STYLE", "true")).plan();

    assertEquals("app-db", plan.database().host());
    assertEquals(6543, plan.database().port());
    assertEquals("http://minio:9000", plan.storage().endpoint());
    assertTrue(plan.storage().pathStyle());
    assertEquals("ai_docs", plan.database().name(), "unset variable falls back to its default");
  }

  @Test
  void substitutedValueIsValidatedLikeAWrittenOne() {
    PlanException e = assertThrows(PlanException.class,
        () -> parse(PlanFixtures.exampleText(), Map.of("DR_DB_PORT", "not-a-port")));

    assertEquals("not-a-port", problemAt(e, "database.port").value());
  }

  @Test
  void unsetVariableWithoutDefaultIsAnError() {
    PlanException e = failure(PlanFixtures.exampleWith("prefix: ai-docs-assistant", "prefix: ${DR_PREFIX}"));

    PlanProblem p = problemAt(e, "storage.prefix");
    assertTrue(p.problem().contains("DR_PREFIX is not set"), p.toString());
    assertTrue(p.problem().contains("${DR_PREFIX:-default}"), p.toString());
  }

  @Test
  void passwordInThePlanIsRejectedAndNotEchoed() {
    PlanException e = failure(PlanFixtures.exampleWith(
        "  user: ${DR_DB_USER:-ai_docs}\n", "  user: ${DR_DB_USER:-ai_docs}\n  password: hunter2\n",
        "  prefix: ai-docs-assistant\n", "  prefix: ai-docs-assistant\n  secret-key: abc123\n"));

    PlanProblem db = problemAt(e, "database.password");
    assertTrue(db.problem().contains("PGPASSWORD"), db.toString());
    assertTrue(db.problem().contains(".pgpass"), db.toString());
    PlanProblem s3 = problemAt(e, "storage.secret-key");
    assertTrue(s3.problem().contains("AWS"), s3.toString());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertFalse(e.getMessage().contains("abc123"), e.getMessage());
    assertEquals(2, e.problems().size(), e.getMessage());
  }

  @Test
  void badDurationsAreReportedWithTheirPaths() {
    PlanException e = failure(PlanFixtures.exampleWith(
        "critical: 4h", "critical: 4 hours",
        "non-critical: 24h", "non-critical: 0h",
        "    timeout: 30m\n  - level: 3", "    timeout: -30m\n  - level: 3",
        "progress-interval: 15m", "progress-interval: 15"));

    assertTrue(problemAt(e, "objectives.rto.critical").problem().contains("not a duration"));
    assertTrue(problemAt(e, "objectives.rto.non-critical").problem().contains("greater than zero"));
    assertTrue(problemAt(e, "escalation[1].timeout").problem().contains("positive"));
    assertTrue(problemAt(e, "notifications.progress-interval").problem().contains("needs a unit"));
    assertEquals(4, e.problems().size(), e.getMessage());
  }

  @Test
  void badCronExpressionsAreReported() {
    PlanException e = failure(PlanFixtures.exampleWith(
        "database-backup: \"0 2 * * *\"", "database-backup: \"0 25 * * *\"",
        "file-backup: \"30 2 * * *\"", "file-backup: \"30 2 * *\"",
        "retention: \"0 4 * * *\"", "retention: \"0 4 * * MOX\""));

    assertTrue(problemAt(e, "schedules.database-backup").problem().contains("hour 25 is out of range 0-23"));
    assertTrue(problemAt(e, "schedules.file-backup").problem().contains("5 fields"));
    assertTrue(problemAt(e, "schedules.retention").problem().contains("day-of-week"));
  }

  @Test
  void escalationLevelsMustBeOneToFourInOrder() {
    PlanException e = failure(PlanFixtures.exampleWith("  - level: 3\n", "  - level: 2\n"));

    PlanProblem p = problemAt(e, "escalation[2].level");
    assertTrue(p.problem().contains("more than once"), p.toString());
  }

  @Test
  void escalationNeedsExactlyFourLevels() {
    String text = PlanFixtures.exampleText();
    String withoutCeo = text.substring(0, text.indexOf("  - level: 4"))
        + text.substring(text.indexOf("notifications:"));
    PlanException e = failure(withoutCeo);

    assertTrue(problemAt(e, "escalation").problem().contains("exactly 4 levels"));
  }

  @Test
  void wrongTypesAreReported() {
    PlanException e = failure(PlanFixtures.exampleWith(
        "versioning: true", "versioning: maybe",
        "    approvers: [erin]", "    approvers: erin"));

    assertEquals("must be true or false", problemAt(e, "storage.versioning").problem());
    assertTrue(problemAt(e, "escalation[3].approvers").problem().contains("must be a list"));
  }

  @Test
  void invalidYamlIsReportedWithItsLocation() {
    PlanException e = failure("application: x\n  objectives: [\n");

    assertTrue(e.getMessage().contains("not valid YAML at line"), e.getMessage());
  }

  @Test
  void missingFileNamesThePathAndTheFix(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    PlanException e = assertThrows(PlanException.class, () -> PlanLoader.load(missing));

    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("dr plan validate --plan FILE"), e.getMessage());
    assertTrue(e.getMessage().contains("dr-plan.yaml"), e.getMessage());
  }

  @Test
  void loadsFromAFileWithItsAllowedSignersBesideIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("plan.yaml");
    byte[] text = PlanFixtures.exampleWith("bucket: ${DR_S3_BUCKET:-ai-docs-dr-backups}",
        "bucket: other-bucket").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Files.write(file, text);
    Files.copy(PlanFixtures.repoRoot().resolve("allowed_signers"), dir.resolve("allowed_signers"));

    ValidatedPlan loaded = PlanLoader.loadWithWarnings(file, Map.of());
    assertEquals("other-bucket", loaded.plan().storage().bucket());
    assertEquals(PlanLoader.sha256(text), loaded.sha256(), "the hash of the file's bytes");
    assertEquals(64, loaded.sha256().length());
  }

  @Test
  void durationsAndCronParse() {
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
    assertEquals(Duration.ofDays(1), Durations.parse("1d"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
    assertEquals("1h30m", Durations.compact(Duration.ofMinutes(90)));
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertEquals(Duration.ofMillis(61_500), Durations.parse("1m1s500ms"));
    assertEquals("1s500ms", Durations.compact(Duration.ofMillis(1500)));
    assertEquals("250ms", Durations.compact(Duration.ofMillis(250)));
    assertEquals("1 second 500 milliseconds", Durations.human(Duration.ofMillis(1500)));
    assertEquals(Optional.of(Duration.ofHours(24)), Cron.parse("0 2 * * *").maxInterval());
    assertEquals(Optional.of(Duration.ofHours(1)), Cron.parse("@hourly").maxInterval());
    assertEquals(Optional.of(Duration.ofDays(7)), Cron.parse("0 3 * * SUN").maxInterval());
    assertEquals(Optional.of(Duration.ofMinutes(15)), Cron.parse("*/15 * * * *").maxInterval());
  }

  @Test
  void bucketNamesFollowS3Rules() {
    assertNull(PlanLoader.bucketProblem("ai-docs-dr-backups"));
    assertTrue(PlanLoader.bucketProblem("ab") != null);
    assertTrue(PlanLoader.bucketProblem("My_Bucket") != null);
    assertTrue(PlanLoader.bucketProblem("-bucket") != null);
    assertTrue(PlanLoader.bucketProblem("192.168.1.1") != null);
    assertTrue(PlanLoader.bucketProblem("a..b") != null);
  }
}
