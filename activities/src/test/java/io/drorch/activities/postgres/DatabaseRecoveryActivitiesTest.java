package io.drorch.activities.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.drorch.activities.storage.S3Clients;
import io.drorch.local.LocalPostgres;
import io.drorch.local.LocalS3;
import io.drorch.local.SampleApplication;
import io.drorch.workflows.contracts.commands.DumpDatabaseInput;
import io.drorch.workflows.contracts.commands.MigrateDatabaseInput;
import io.drorch.workflows.contracts.commands.RestoreDatabaseInput;
import io.drorch.workflows.contracts.commands.SwapDatabaseInput;
import io.drorch.workflows.contracts.commands.VerifyIntegrityInput;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.DumpDatabaseResult;
import io.drorch.workflows.contracts.values.IntegrityResult;
import io.drorch.workflows.contracts.values.MigrateDatabaseResult;
import io.drorch.workflows.contracts.values.RestoreDatabaseResult;
import io.drorch.workflows.contracts.values.SwapDatabaseResult;
import io.drorch.workflows.postgres.PostgresActivities;
import io.drorch.workflows.postgres.PostgresRecoveryActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@link PostgresRecoveryActivitiesImpl} against a real PostgreSQL and a real S3 server, run through
 * {@link TestActivityEnvironment}. One sample database ("AI Docs Assistant" at schema v2) is dumped
 * once with gzip and once with zstd by the real backup activity; each test restores those dumps.
 */
class DatabaseRecoveryActivitiesTest {
  static final String BUCKET = "recovery";
  static final String SOURCE = "ai_docs_src";

  @TempDir static Path tmp;
  static LocalPostgres pg;
  static LocalS3 s3;
  static S3Clients clients;
  static TestActivityEnvironment env;
  static PostgresRecoveryActivities recovery;
  static BackupManifest gzipBackup;
  static BackupManifest zstdBackup;
  static String original;
  static Map<String, Long> originalCounts;
  /** Both locations: Flyway must see V1, V2 (applied) and V3 (pending). */
  static String migrations;
  static String baseMigrations;

  @BeforeAll
  static void startStackAndBackUp() throws Exception {
    pg = LocalPostgres.start(tmp.resolve("pg"));
    s3 = LocalS3.start(tmp.resolve("s3"));
    s3.createBucket(BUCKET);
    clients = new S3Clients(s3.credentials());
    SampleApplication.createDatabase(pg, SOURCE, 1);
    original = fingerprint(SOURCE);
    originalCounts = counts(SOURCE);
    baseMigrations = "filesystem:" + SampleApplication.migrationsDir();
    migrations = baseMigrations + ",filesystem:" + SampleApplication.pendingMigrationsDir();

    env = TestActivityEnvironment.newInstance();
    DatabaseCredentials creds = DatabaseCredentials.fixed(pg.password());
    env.registerActivitiesImplementations(new PostgresActivitiesImpl(creds, clients),
        new PostgresRecoveryActivitiesImpl(creds, clients));
    recovery = env.newActivityStub(PostgresRecoveryActivities.class, options());
    gzipBackup = backUp("db-gzip-1", null);
    zstdBackup = backUp("db-zstd-1", "zstd");
  }

  @AfterAll
  static void stopStack() {
    if (env != null) {
      env.close();
    }
    if (clients != null) {
      clients.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  // ---- the whole path ----------------------------------------------------------------------

  @Test
  void restoresMigratesVerifiesAndSwapsInKeepingTheOldDatabase() throws Exception {
    String live = "ai_docs";
    createFrom(live, SOURCE);
    // the live database moved on after the backup (and is then "broken"): it must end up kept
    sql(live, "INSERT INTO users(id, email, display_name, role, created_at)"
        + " VALUES (999999, 'late@example.com', 'Late', 'member', now())");
    String liveBefore = fingerprint(live);
    String restoreName = "ai_docs_restore_inc_42_a1";

    long t0 = System.nanoTime();
    RestoreDatabaseResult r = recovery.restoreFromBackup(restoreInput("INC-42", live, restoreName,
        gzipBackup));
    long restoreMs = ms(t0);
    assertEquals(restoreName, r.restoreName());
    assertEquals(gzipBackup.backupId(), r.backupId());
    assertEquals(gzipBackup.sizeBytes(), r.downloadedBytes());
    assertEquals(gzipBackup.sha256(), r.sha256());
    assertEquals(original, fingerprint(restoreName), "restored tables differ from the backup's");
    assertEquals(liveBefore, fingerprint(live), "the live database was touched");
    assertEquals(owner(SOURCE), owner(restoreName));

    t0 = System.nanoTime();
    MigrateDatabaseResult m = recovery.applyMigrations(
        new MigrateDatabaseInput(target(restoreName), migrations));
    long migrateMs = ms(t0);
    assertEquals("2", m.versionBefore());
    assertEquals("3", m.versionAfter());
    assertEquals(List.of("3"), m.applied());
    assertTrue(exists(restoreName, "SELECT to_regclass('public.message_feedback') IS NOT NULL"));
    assertTrue(exists(restoreName, "SELECT count(*) = 1 FROM information_schema.columns"
        + " WHERE table_name = 'messages' AND column_name = 'helpful_votes'"));
    // a second migrate has nothing left to do
    MigrateDatabaseResult again = recovery.applyMigrations(
        new MigrateDatabaseInput(target(restoreName), migrations));
    assertEquals(List.of(), again.applied());
    assertEquals("3", again.versionBefore());

    t0 = System.nanoTime();
    IntegrityResult ir = recovery.verifyIntegrity(new VerifyIntegrityInput(target(restoreName),
        gzipBackup.database().rowCounts(), migrations,
        List.of("SELECT count(*) > 0 FROM users", "SELECT NOT EXISTS (SELECT 1 FROM messages m"
            + " LEFT JOIN conversations c ON c.id = m.conversation_id WHERE c.id IS NULL)")));
    long verifyMs = ms(t0);
    assertTrue(ir.ok(), ir.problems().toString());
    assertEquals(3, ir.checksRun());
    // V3 added a row to Flyway's history and an empty table; every other count is the backup's
    Map<String, Long> migrated = new TreeMap<>(originalCounts);
    migrated.put("public.flyway_schema_history", originalCounts.get("public.flyway_schema_history") + 1);
    assertEquals(migrated, new TreeMap<>(ir.rowCounts()));
    // the copy's fingerprint: every table (V3's new one too) and the Flyway version, recomputable
    Map<String, Long> everyTable = new TreeMap<>(migrated);
    everyTable.put("public.message_feedback", 0L);
    assertEquals(DatabaseFingerprint.fingerprint(everyTable, "3"), ir.fingerprint());
    try (Connection c = pg.connect(restoreName)) {
      DatabaseFingerprint.Snapshot retaken = DatabaseFingerprint.take(c, null);
      assertEquals(ir.fingerprint(), retaken.fingerprint());
      assertEquals("3", retaken.flywayVersion());
    }
    Map<String, Long> oneRowLess = new TreeMap<>(everyTable);
    oneRowLess.merge("public.messages", -1L, Long::sum);
    assertFalse(ir.fingerprint().equals(DatabaseFingerprint.fingerprint(oneRowLess, "3")),
        "one row less is another copy");
    assertFalse(ir.fingerprint().equals(DatabaseFingerprint.fingerprint(everyTable, "2")),
        "another schema version is another copy");

    // an application session on the live database must not block the swap
    try (Connection app = pg.connect(live)) {
      t0 = System.nanoTime();
      SwapDatabaseResult s = recovery.swapDatabase(
          new SwapDatabaseInput(target(live), restoreName, "ai_docs_before_inc_42"));
      long swapMs = ms(t0);
      assertEquals(new SwapDatabaseResult(live, "ai_docs_before_inc_42"), s);
      assertTrue(app.isClosed() || !app.isValid(2), "the old session survived");
      System.out.printf("full path: restore %d ms, migrate %d ms, verify %d ms, swap %d ms"
          + " (%d bytes, gzip)%n", restoreMs, migrateMs, verifyMs, swapMs, r.downloadedBytes());
    }
    assertTrue(exists(live, "SELECT to_regclass('public.message_feedback') IS NOT NULL"));
    assertTrue(exists(live, "SELECT NOT EXISTS (SELECT 1 FROM users WHERE id = 999999)"));
    migrated.put("public.message_feedback", 0L);
    assertEquals(migrated, counts(live));
    assertEquals(liveBefore, fingerprint("ai_docs_before_inc_42"));
    assertFalse(databaseExists(restoreName));

    // repeated swap (a retry after success): same answer, nothing changes
    SwapDatabaseResult s2 = recovery.swapDatabase(
        new SwapDatabaseInput(target(live), restoreName, "ai_docs_before_inc_42"));
    assertEquals(new SwapDatabaseResult(live, "ai_docs_before_inc_42"), s2);
    assertEquals(liveBefore, fingerprint("ai_docs_before_inc_42"));
    assertTrue(exists(live, "SELECT to_regclass('public.message_feedback') IS NOT NULL"));
  }

  // ---- corruption, retries, disaster -------------------------------------------------------

  @Test
  void flippedByteInTheBackupIsChecksumMismatchAndCreatesNoDatabase() throws Exception {
    BackupManifest b = backUp("db-flip-1", null);
    byte[] data = s3.client().getObjectAsBytes(x -> x.bucket(BUCKET).key(b.dataKey())).asByteArray();
    data[data.length / 2] ^= 0x01;
    s3.client().putObject(x -> x.bucket(BUCKET).key(b.dataKey()), RequestBody.fromBytes(data));

    ApplicationFailure f = failure(() -> recovery.restoreFromBackup(
        restoreInput("INC-7", "ai_docs_flip", "ai_docs_restore_inc_7_a1", b)));
    assertEquals("CHECKSUM_MISMATCH", f.getType());
    assertTrue(f.isNonRetryable());
    String msg = f.getOriginalMessage();
    assertTrue(msg.contains(b.dataKey()) && msg.contains(b.sha256()), msg);
    assertFalse(databaseExists("ai_docs_restore_inc_7_a1"));
    try (Stream<Path> files = Files.list(tmp.resolve("work").resolve("INC-7"))) {
      assertEquals(List.of(), files.toList(), "a corrupt download was left behind");
    }
  }

  @Test
  void restoringTwiceEndsWithOneCorrectDatabaseAndTheDownloadIsDeletedAfterUse()
      throws Exception {
    RestoreDatabaseInput in = restoreInput("INC-8", "ai_docs_twice", "ai_docs_restore_inc_8_a1",
        gzipBackup);
    recovery.restoreFromBackup(in);
    assertDownloadsGone("INC-8");
    // what a crashed first attempt could have left: extra objects in the restore database
    sql("ai_docs_restore_inc_8_a1", "CREATE TABLE leftover(x int)", "DELETE FROM messages");
    RestoreDatabaseResult second = recovery.restoreFromBackup(in);
    assertEquals(gzipBackup.sizeBytes(), second.downloadedBytes(), "deleted after use: again");
    assertEquals(original, fingerprint("ai_docs_restore_inc_8_a1"));
    assertDownloadsGone("INC-8");
  }

  private static void assertDownloadsGone(String incident) throws IOException {
    try (Stream<Path> files = Files.list(tmp.resolve("work").resolve(incident))) {
      assertEquals(List.of(), files.map(p -> p.getFileName().toString()).toList(),
          "downloads are deleted after a successful restore");
    }
  }

  /**
   * A zombie: attempt 1 of a restore whose heartbeat timed out but which still runs (its session
   * holds the fence of ai_docs_restore_inc_20_a1 and writes there). Attempt 2 restores into its
   * own database and must not drop the zombie's; a colliding attempt on the zombie's name gives
   * way (TARGET_BUSY) without touching it; a swap while another holds the target's fence gives
   * way too. Once the zombie's session is gone, the next attempt drops what it left.
   */
  @Test
  void aLaterAttemptNeverDeletesWhatAStillRunningEarlierAttemptOwns() throws Exception {
    PostgresRecoveryActivitiesImpl impl =
        new PostgresRecoveryActivitiesImpl(DatabaseCredentials.fixed(pg.password()), clients);
    String base = "ai_docs_restore_inc_20";
    String zombieDb = base + "_a1";
    RestoreDatabaseInput in = restoreInput("INC-20", "ai_docs_zr", base, gzipBackup);
    sql("postgres", "CREATE DATABASE " + zombieDb);
    try (Connection zombie = pg.connect("postgres")) {
      assertTrue(AttemptFence.tryLock(zombie, zombieDb), "the zombie takes its fence");
      sql(zombieDb, "CREATE TABLE zombie_work(x int)", "INSERT INTO zombie_work VALUES (1)");

      RestoreDatabaseResult second = impl.restoreAttempt(in, 2);
      assertEquals(base + "_a2", second.restoreName());
      assertEquals(original, fingerprint(base + "_a2"));
      assertTrue(databaseExists(zombieDb), "attempt 2 deleted the running attempt's database");
      assertTrue(exists(zombieDb, "SELECT count(*) = 1 FROM zombie_work"));

      ApplicationFailure busy = failure(() -> impl.restoreAttempt(in, 1));
      assertEquals("TARGET_BUSY", busy.getType());
      assertTrue(busy.getOriginalMessage().contains(zombieDb), busy.getOriginalMessage());
      assertTrue(exists(zombieDb, "SELECT count(*) = 1 FROM zombie_work"), "touched while busy");

      // a swap still running elsewhere holds the live name's fence: this one gives way
      assertTrue(AttemptFence.tryLock(zombie, "swap:ai_docs_zr"));
      ApplicationFailure swapBusy = failure(() -> impl.swapDatabase(
          new SwapDatabaseInput(target("ai_docs_zr"), base + "_a2", "ai_docs_zr_pre")));
      assertEquals("TARGET_BUSY", swapBusy.getType());
      assertTrue(databaseExists(base + "_a2") && !databaseExists("ai_docs_zr"), "swapped anyway");
    } // the zombie's session ends: its fences go with it

    impl.restoreAttempt(in, 3);
    assertFalse(databaseExists(zombieDb), "what the dead attempt left is dropped");
    assertFalse(databaseExists(base + "_a2"), "an earlier attempt's copy is dropped");
    assertEquals(original, fingerprint(base + "_a3"));
    assertEquals(new SwapDatabaseResult("ai_docs_zr", null), impl.swapDatabase(
        new SwapDatabaseInput(target("ai_docs_zr"), base + "_a3", "ai_docs_zr_pre")));
  }

  /**
   * Approval binds to what was verified: after verification the restored database is closed to
   * connections; tampered with between approval and swap (someone reopens it and deletes rows),
   * the swap re-verifies, refuses (COPY_CHANGED) and closes it again, the live database untouched;
   * an untouched copy swaps and accepts connections again.
   */
  @Test
  void aCopyChangedBetweenApprovalAndSwapIsNotSwapped() throws Exception {
    String live = "ai_docs_tamper";
    createFrom(live, SOURCE);
    String liveBefore = fingerprint(live);
    String db = "ai_docs_restore_inc_22_a1";
    recovery.restoreFromBackup(restoreInput("INC-22", live, db, gzipBackup));
    IntegrityResult verified = recovery.verifyIntegrity(new VerifyIntegrityInput(target(db),
        gzipBackup.database().rowCounts(), null, List.of(), 2, true));
    assertTrue(verified.ok(), verified.problems().toString());
    assertThrows(SQLException.class, () -> pg.connect(db).close(), "closed to connections");

    sql("postgres", "ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
    sql(db, "DELETE FROM messages WHERE id IN (SELECT id FROM messages LIMIT 1)");
    ApplicationFailure changed = failure(() -> recovery.swapDatabase(new SwapDatabaseInput(
        target(live), db, "ai_docs_tamper_pre", verified.fingerprint())));
    assertEquals("COPY_CHANGED", changed.getType());
    assertTrue(changed.getOriginalMessage().contains(verified.fingerprint()),
        changed.getOriginalMessage());
    assertEquals(liveBefore, fingerprint(live), "the live database was touched");
    assertFalse(databaseExists("ai_docs_tamper_pre"));
    assertThrows(SQLException.class, () -> pg.connect(db).close(), "closed again");

    String db2 = "ai_docs_restore_inc_23_a1";
    recovery.restoreFromBackup(restoreInput("INC-23", live, db2, gzipBackup));
    IntegrityResult fresh = recovery.verifyIntegrity(new VerifyIntegrityInput(target(db2),
        gzipBackup.database().rowCounts(), null, List.of(), 2, true));
    assertEquals(new SwapDatabaseResult(live, "ai_docs_tamper_pre"), recovery.swapDatabase(
        new SwapDatabaseInput(target(live), db2, "ai_docs_tamper_pre", fresh.fingerprint())));
    assertEquals(original, fingerprint(live), "swapped in and open to connections again");
  }

  /** recovery.restore-role: pg_restore --no-owner --role=<it>: the objects belong to that role. */
  @Test
  void aRestoreRoleOwnsWhatTheRestoreCreates() throws Exception {
    sql("postgres", "DO $$ BEGIN CREATE ROLE dr_restore_role NOLOGIN; EXCEPTION WHEN"
        + " duplicate_object THEN NULL; END $$");
    RestoreDatabaseInput base = restoreInput("INC-21", "ai_docs_role", "ai_docs_restore_inc_21_a1",
        gzipBackup);
    RestoreDatabaseInput in = new RestoreDatabaseInput(base.incidentId(), base.live(),
        base.restoreName(), base.storage(), base.backup(), base.workDir(), base.jobs(),
        "dr_restore_role");
    recovery.restoreFromBackup(in);
    assertEquals(original, fingerprint("ai_docs_restore_inc_21_a1"));
    assertTrue(exists("ai_docs_restore_inc_21_a1", "SELECT bool_and(tableowner = 'dr_restore_role')"
        + " FROM pg_tables WHERE schemaname = 'public'"));
    assertEquals("dr_restore_role", owner("ai_docs_restore_inc_21_a1"));
  }

  @Test
  void whenTheLiveDatabaseIsGoneSwapJustRenamesTheRestoredOne() throws Exception {
    String restoreName = "ai_docs_restore_inc_9_a1";
    recovery.restoreFromBackup(restoreInput("INC-9", "ai_docs_gone", restoreName, gzipBackup));
    assertFalse(databaseExists("ai_docs_gone"));
    SwapDatabaseInput in = new SwapDatabaseInput(target("ai_docs_gone"), restoreName,
        "ai_docs_before_inc_9");
    assertEquals(new SwapDatabaseResult("ai_docs_gone", null), recovery.swapDatabase(in));
    assertEquals(new SwapDatabaseResult("ai_docs_gone", null), recovery.swapDatabase(in));
    assertEquals(original, fingerprint("ai_docs_gone"));
    assertFalse(databaseExists(restoreName));
    assertFalse(databaseExists("ai_docs_before_inc_9"));
  }

  @Test
  void zstdBackupRestoresToo() throws Exception {
    java.util.concurrent.atomic.AtomicLong beat = new java.util.concurrent.atomic.AtomicLong(-1);
    env.setActivityHeartbeatListener(Long.class, beat::set);
    long t0 = System.nanoTime();
    RestoreDatabaseResult r = recovery.restoreFromBackup(
        restoreInput("INC-10", "ai_docs_z", "ai_docs_restore_inc_10_a1", zstdBackup));
    assertTrue(beat.get() > 0, "no byte progress heartbeat: " + beat.get());
    System.out.printf("zstd restore: %d ms (%d bytes)%n", ms(t0), r.downloadedBytes());
    assertEquals(original, fingerprint("ai_docs_restore_inc_10_a1"));
    assertDownloadsGone("INC-10"); // the download and the decompressed dump
  }

  /**
   * A plan user that is not a superuser (CREATEDB only) restores with --no-owner: everything then
   * belongs to it, and it can swap the database in.
   */
  @Test
  void nonSuperuserRestoresWithoutOwnersAndSwaps() throws Exception {
    sql("postgres", "CREATE ROLE restorer LOGIN CREATEDB PASSWORD 'restorer-pw'");
    TestActivityEnvironment own = TestActivityEnvironment.newInstance();
    try {
      own.registerActivitiesImplementations(new PostgresRecoveryActivitiesImpl(
          DatabaseCredentials.fixed("restorer-pw"), clients));
      PostgresRecoveryActivities a = own.newActivityStub(PostgresRecoveryActivities.class,
          options());
      DatabaseTarget live = new DatabaseTarget(pg.host(), pg.port(), "ai_docs_ns", "restorer",
          null, null);
      a.restoreFromBackup(new RestoreDatabaseInput("INC-16", live, "ai_docs_restore_inc_16",
          storage(), gzipBackup, tmp.resolve("work").toString(), 2));
      assertEquals(original, fingerprint("ai_docs_restore_inc_16_a1"));
      assertEquals("restorer", owner("ai_docs_restore_inc_16_a1"));
      assertTrue(exists("ai_docs_restore_inc_16_a1", "SELECT bool_and(tableowner = 'restorer')"
          + " FROM pg_tables WHERE schemaname = 'public'"));
      SwapDatabaseInput in = new SwapDatabaseInput(live, "ai_docs_restore_inc_16_a1", "ai_docs_ns_old");
      assertEquals(new SwapDatabaseResult("ai_docs_ns", null), a.swapDatabase(in));
      assertEquals(new SwapDatabaseResult("ai_docs_ns", null), a.swapDatabase(in));
      assertEquals(original, fingerprint("ai_docs_ns"));
    } finally {
      own.close();
    }
  }

  // ---- integrity problems ------------------------------------------------------------------

  @Test
  void verifyReportsRowCountDifferencesMissingTablesAndFailingChecks() throws Exception {
    String db = "ai_docs_restore_inc_11_a1";
    recovery.restoreFromBackup(restoreInput("INC-11", "ai_docs_v", db, gzipBackup));
    long usersBefore = gzipBackup.database().rowCounts().get("public.users");
    sql(db, "DELETE FROM api_tokens WHERE user_id = 1", "DELETE FROM documents WHERE owner_id = 1",
        "DELETE FROM conversations WHERE user_id = 1", "DELETE FROM users WHERE id = 1");
    Map<String, Long> expected = new TreeMap<>(gzipBackup.database().rowCounts());
    expected.put("public.gone_table", 5L);
    IntegrityResult r = recovery.verifyIntegrity(new VerifyIntegrityInput(target(db), expected,
        baseMigrations, List.of("SELECT count(*) = 0 FROM users", "SELECT true",
            "SELECT no_such_column FROM users", "SELECT true, true")));
    assertFalse(r.ok());
    List<String> p = r.problems();
    assertTrue(p.contains("public.users: " + usersBefore + " rows expected (manifest), "
        + (usersBefore - 1) + " found"), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("public.gone_table: table missing")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.contains("SELECT count(*) = 0 FROM users")
        && s.contains("returned false")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.contains("no_such_column") && s.contains("failed")),
        p.toString());
    assertTrue(p.stream().anyMatch(s -> s.contains("SELECT true, true")), p.toString());
    assertFalse(p.stream().anyMatch(s -> s.startsWith("check `SELECT true`")), p.toString());
    assertEquals(5, r.checksRun());
    assertEquals(usersBefore - 1, r.rowCounts().get("public.users"));
  }

  @Test
  void parallelCountsEqualSerialCountsAndAMismatchStillFails() throws Exception {
    String db = "ai_docs_restore_inc_13_a1";
    recovery.restoreFromBackup(restoreInput("INC-13", "ai_docs_pc", db, gzipBackup));
    Map<String, Long> manifest = gzipBackup.database().rowCounts();
    IntegrityResult serial = recovery.verifyIntegrity(
        new VerifyIntegrityInput(target(db), manifest, null, List.of(), 1));
    IntegrityResult parallel = recovery.verifyIntegrity(
        new VerifyIntegrityInput(target(db), manifest, null, List.of(), 4));
    assertTrue(serial.ok(), serial.problems().toString());
    assertTrue(parallel.ok(), parallel.problems().toString());
    assertEquals(serial.rowCounts(), parallel.rowCounts());
    assertEquals(manifest.keySet(), parallel.rowCounts().keySet());
    assertTrue(parallel.stepMillis().containsKey("counts"), parallel.stepMillis().toString());

    // one row fewer in one table, one more in another: both found on 3 connections
    sql(db, "DELETE FROM api_tokens WHERE id = (SELECT min(id) FROM api_tokens)",
        "INSERT INTO users (email, display_name) VALUES ('parallel-counts@example.com', 'x')");
    IntegrityResult bad = recovery.verifyIntegrity(
        new VerifyIntegrityInput(target(db), manifest, null, List.of(), 3));
    assertFalse(bad.ok());
    assertEquals(List.of(
        "public.api_tokens: " + manifest.get("public.api_tokens") + " rows expected (manifest), "
            + (manifest.get("public.api_tokens") - 1) + " found",
        "public.users: " + manifest.get("public.users") + " rows expected (manifest), "
            + (manifest.get("public.users") + 1) + " found"), bad.problems());
  }

  @Test
  void parallelCountsShareOneSnapshot() throws Exception {
    String db = "ai_docs_restore_inc_14_a1";
    recovery.restoreFromBackup(restoreInput("INC-14", "ai_docs_ps", db, gzipBackup));
    sql(db, "CREATE TABLE big_a AS SELECT g FROM generate_series(1, 300000) g",
        "CREATE TABLE big_b AS SELECT g FROM generate_series(1, 300000) g");
    Map<String, Long> expected = Map.of("public.big_a", 300000L, "public.big_b", 300000L);
    // rows moved from big_a to big_b in one transaction while the counts run: in one snapshot
    // the sum is always 600000, whatever moment each connection counts its table
    Thread mover = new Thread(() -> {
      for (int i = 0; i < 40; i++) {
        try {
          sql(db, "WITH m AS (DELETE FROM big_a WHERE g IN (SELECT g FROM big_a LIMIT"
              + " 1000) RETURNING g) INSERT INTO big_b SELECT g FROM m");
        } catch (Exception e) {
          return;
        }
      }
    });
    mover.start();
    try {
      for (int i = 0; i < 5; i++) {
        IntegrityResult r = recovery.verifyIntegrity(
            new VerifyIntegrityInput(target(db), expected, null, List.of(), 2));
        assertEquals(600000L, r.rowCounts().get("public.big_a") + r.rowCounts().get("public.big_b"),
            r.rowCounts().toString());
      }
    } finally {
      mover.join();
    }
  }

  @Test
  void flywayValidateProblemIsReportedWhenMigrationsDiffer() throws Exception {
    String db = "ai_docs_restore_inc_12_a1";
    recovery.restoreFromBackup(restoreInput("INC-12", "ai_docs_fv", db, gzipBackup));
    recovery.applyMigrations(new MigrateDatabaseInput(target(db), migrations));
    // the worker's copy of V2 differs from the one applied (an edited migration)
    Path edited = Files.createDirectories(tmp.resolve("edited-migrations"));
    try (Stream<Path> files = Files.list(SampleApplication.migrationsDir())) {
      for (Path f : files.toList()) {
        Files.copy(f, edited.resolve(f.getFileName()));
      }
    }
    Files.writeString(edited.resolve("V2__conversations.sql"), "\n-- edited later\n",
        java.nio.file.StandardOpenOption.APPEND);
    String locations = "filesystem:" + edited + ",filesystem:"
        + SampleApplication.pendingMigrationsDir();
    IntegrityResult r = recovery.verifyIntegrity(
        new VerifyIntegrityInput(target(db), Map.of(), locations, List.of()));
    assertFalse(r.ok());
    assertEquals(1, r.problems().size(), r.problems().toString());
    assertTrue(r.problems().get(0).startsWith("Flyway validate")
        && r.problems().get(0).contains("2"), r.problems().toString());
    assertTrue(recovery.verifyIntegrity(new VerifyIntegrityInput(target(db),
        gzipBackup.database().rowCounts(), migrations, List.of())).ok());
  }

  // ---- bad input and failing migrations ----------------------------------------------------

  @Test
  void failingMigrationIsMigrationFailedAndMissingLocationIsBadInput() throws Exception {
    String db = "ai_docs_restore_inc_13_a1";
    recovery.restoreFromBackup(restoreInput("INC-13", "ai_docs_mf", db, gzipBackup));
    Path bad = Files.createDirectories(tmp.resolve("bad-migrations"));
    Files.writeString(bad.resolve("V3__broken.sql"), "ALTER TABLE no_such_table ADD COLUMN x int;");
    ApplicationFailure f = failure(() -> recovery.applyMigrations(new MigrateDatabaseInput(
        target(db), baseMigrations + ",filesystem:" + bad)));
    assertEquals("MIGRATION_FAILED", f.getType());
    assertTrue(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().contains("no_such_table"), f.getOriginalMessage());

    ApplicationFailure missing = failure(() -> recovery.applyMigrations(new MigrateDatabaseInput(
        target(db), "filesystem:/no/such/dir")));
    assertEquals("BAD_INPUT", missing.getType());
    assertTrue(missing.getOriginalMessage().contains("/no/such/dir"), missing.getOriginalMessage());

    MigrateDatabaseResult none = recovery.applyMigrations(new MigrateDatabaseInput(target(db), " "));
    assertEquals(List.of(), none.applied());
    assertEquals("2", none.versionBefore());
  }

  @Test
  void unusableNamesAndATakenKeepAsNameAreRefused() throws Exception {
    for (String name : List.of("Ai_Docs", "ai-docs", "x".repeat(64), "postgres", "a;drop")) {
      ApplicationFailure f = failure(() -> recovery.swapDatabase(
          new SwapDatabaseInput(target("ai_docs_n"), name, "ai_docs_keep_n")));
      assertEquals("BAD_INPUT", f.getType(), name);
    }
    ApplicationFailure same = failure(() -> recovery.restoreFromBackup(
        restoreInput("INC-14", "ai_docs_n", "ai_docs_n", gzipBackup)));
    assertEquals("BAD_INPUT", same.getType());

    createFrom("ai_docs_c", SOURCE);
    createFrom("ai_docs_keep_c", SOURCE);
    recovery.restoreFromBackup(restoreInput("INC-15", "ai_docs_c", "ai_docs_restore_c_a1", gzipBackup));
    ApplicationFailure conflict = failure(() -> recovery.swapDatabase(
        new SwapDatabaseInput(target("ai_docs_c"), "ai_docs_restore_c_a1", "ai_docs_keep_c")));
    assertEquals("SWAP_CONFLICT", conflict.getType());
    assertTrue(databaseExists("ai_docs_c") && databaseExists("ai_docs_restore_c_a1"));

    ApplicationFailure nothing = failure(() -> recovery.swapDatabase(
        new SwapDatabaseInput(target("ai_docs_none"), "ai_docs_restore_none_a1", "ai_docs_keep_none")));
    assertEquals("BAD_INPUT", nothing.getType());
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static BackupManifest backUp(String backupId, String compression) {
    PostgresActivities dump = env.newActivityStub(PostgresActivities.class, options());
    DumpDatabaseResult r = dump.dumpToStorage(new DumpDatabaseInput(backupId,
        new DatabaseTarget(pg.host(), pg.port(), SOURCE, pg.superuser(), null, compression),
        storage()));
    return new BackupManifest(BackupManifest.FORMAT_VERSION, backupId, BackupKind.DATABASE,
        "ai-docs", r.dataKey(), r.format(), r.sizeBytes(), r.sha256(), r.startedAt(),
        r.finishedAt(), "test", r.details(), null);
  }

  /** @param restoreName the database attempt 1 restores into ({@code <base>_a1}) */
  private static RestoreDatabaseInput restoreInput(String incident, String live,
      String restoreName, BackupManifest backup) {
    return new RestoreDatabaseInput(incident, target(live), restoreName.replaceAll("_a1$", ""),
        storage(), backup, tmp.resolve("work").toString(), 2);
  }

  private static DatabaseTarget target(String name) {
    return new DatabaseTarget(pg.host(), pg.port(), name, pg.superuser(), null, null);
  }

  private static StorageTarget storage() {
    return new StorageTarget(BUCKET, "rec", LocalS3.REGION, s3.endpoint(), true, 30, false, 0);
  }

  private static ActivityOptions options() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(5))
        .setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static ApplicationFailure failure(Runnable call) {
    Throwable t = assertThrows(Throwable.class, call::run);
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure af) {
        return af;
      }
    }
    return fail("no ApplicationFailure in " + t, t);
  }

  private static void createFrom(String name, String template) throws SQLException {
    sql("postgres", "CREATE DATABASE " + name + " TEMPLATE " + template);
  }

  private static void sql(String db, String... statements) throws SQLException {
    try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  private static boolean exists(String db, String booleanQuery) throws SQLException {
    try (Connection c = pg.connect(db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(booleanQuery)) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static boolean databaseExists(String name) throws SQLException {
    return exists("postgres", "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '"
        + name + "')");
  }

  private static String owner(String db) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_get_userbyid(datdba) FROM pg_database"
            + " WHERE datname = '" + db + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Map<String, Long> counts(String db) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    for (String line : fingerprint(db).split("\n")) {
      String[] f = line.split(" ");
      out.put(f[0], Long.parseLong(f[1]));
    }
    return out;
  }

  /** Per table, in name order: "schema.table rows md5-of-ordered-rows". */
  private static String fingerprint(String db) throws SQLException {
    StringBuilder sb = new StringBuilder();
    try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
      List<String[]> tables = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT schemaname, tablename FROM pg_tables"
          + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")) {
        while (rs.next()) {
          tables.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      for (String[] t : tables) {
        String q = "\"" + t[0] + "\".\"" + t[1] + "\"";
        try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(md5(string_agg(t::text, '|'"
            + " ORDER BY t::text)), '') FROM " + q + " t")) {
          rs.next();
          sb.append(t[0]).append('.').append(t[1]).append(' ').append(rs.getLong(1)).append(' ')
              .append(rs.getString(2)).append('\n');
        }
      }
    }
    assertNotEquals(0, sb.length(), "no tables in " + db);
    return sb.toString();
  }
}
