package io.drorch.activities.restoretest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.ActivityTestBase;
import io.drorch.activities.SharedStack;
import io.drorch.activities.TreeSnapshot;
import io.drorch.activities.common.Json;
import io.drorch.activities.files.FileActivitiesImpl;
import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.activities.postgres.PostgresActivitiesImpl;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.local.LocalPostgres;
import io.drorch.local.SampleApplication;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.ArchiveFilesInput;
import io.drorch.workflows.contracts.commands.CleanupScratchInput;
import io.drorch.workflows.contracts.commands.DumpDatabaseInput;
import io.drorch.workflows.contracts.commands.RestoreTestInput;
import io.drorch.workflows.contracts.commands.WriteManifestInput;
import io.drorch.workflows.contracts.commands.WriteRestoreVerdictInput;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.ArchiveFilesResult;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.CleanupScratchResult;
import io.drorch.workflows.contracts.values.DumpDatabaseResult;
import io.drorch.workflows.contracts.values.RestoreTestOutcome;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.TableRows;
import io.drorch.workflows.contracts.values.WriteRestoreVerdictResult;
import io.drorch.workflows.files.FileActivities;
import io.drorch.workflows.postgres.PostgresActivities;
import io.drorch.workflows.restoretest.RestoreTestActivities;
import io.drorch.workflows.restoretest.RestoreVerdicts;
import io.drorch.workflows.restoretest.ScratchTargets;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Restore tests on real PostgreSQL and S3 (the shared local stack), as phase 2's verify-by-restore
 * and drills will chain them: back up with the real activities, restore into scratch, record the
 * verdict marker, read it through the catalog, clean up. The live database and uploads directory
 * are fingerprinted before and after every test: they never change.
 */
class RestoreTestActivitiesTest extends ActivityTestBase {
  private static final String BUCKET = "act-restore-test";
  private static final String LIVE = "rt_live";
  private static final AtomicInteger IDS = new AtomicInteger();

  static LocalPostgres pg;
  @TempDir Path tmp;
  private PostgresActivities dump;
  private FileActivities archive;
  private StorageActivities storage;
  private RestoreTestActivities restoreTest;

  @BeforeAll
  static void liveDatabase() throws Exception {
    pg = SharedStack.postgres();
    s3.createBucket(BUCKET);
    SampleApplication.createDatabase(pg, LIVE, 1);
  }

  @BeforeEach
  void setUp() {
    DatabaseCredentials creds = DatabaseCredentials.fixed(pg.password());
    env.registerActivitiesImplementations(new PostgresActivitiesImpl(creds, clients),
        new FileActivitiesImpl(clients), new StorageActivitiesImpl(clients),
        new RestoreTestActivitiesImpl(creds, clients));
    dump = stub(PostgresActivities.class, Duration.ofMinutes(2));
    archive = stub(FileActivities.class, Duration.ofMinutes(2));
    storage = stub(StorageActivities.class, Duration.ofMinutes(1));
    restoreTest = stub(RestoreTestActivities.class, Duration.ofMinutes(3));
  }

  // ---- databases ---------------------------------------------------------------------------

  @Test
  void goodDatabaseBackupIsVerifiedByRestoreIntoScratchMarkedOnceAndListedLiveUntouched()
      throws Exception {
    String liveBefore = fingerprint(LIVE);
    BackupManifest m = backUpDatabase();
    assertNull(entry(m).verification(), "a new backup is not tested");
    String scratch = ScratchTargets.databaseName(LIVE, m.backupId());

    RestoreVerdict v = restoreTest.testDatabaseRestore(dbTest(m, scratch));

    assertEquals(RestoreTestOutcome.VERIFIED_BY_RESTORE, v.outcome(), v.reason());
    assertNull(v.reason());
    assertEquals(m.backupId(), v.backupId());
    assertEquals(scratch, v.scratchTarget());
    assertNotNull(v.workflowId());
    assertTrue(v.durationMillis() > 0 && !v.finishedAt().isBefore(v.startedAt()), v.toString());
    Map<String, Long> restored = new TreeMap<>();
    for (TableRows t : v.tables()) {
      assertTrue(t.matches(), t.toString());
      restored.put(t.table(), t.restored());
    }
    assertEquals(new TreeMap<>(m.database().rowCounts()), restored);
    assertTrue(v.compared().startsWith("exact row counts of " + restored.size() + " tables"),
        v.compared());
    assertEquals(ScratchTargets.databaseMark("t-" + m.backupId()), comment(scratch));
    assertEquals(liveBefore, fingerprint(scratch), "the scratch copy is the live data");
    assertEquals(liveBefore, fingerprint(LIVE), "the live database was touched");

    WriteRestoreVerdictResult w = storage.writeRestoreVerdict(new WriteRestoreVerdictInput(
        storage(), v));
    assertTrue(w.written());
    assertEquals(BackupKeys.verifiedKey(storage(), BackupKind.DATABASE, m.backupId()), w.key());
    assertTrue(w.key().endsWith("/database/" + m.backupId() + ".verified.json"), w.key());
    RestoreVerdict stored = Json.read(s3.client().getObjectAsBytes(
        b -> b.bucket(BUCKET).key(w.key())).asByteArray(), RestoreVerdict.class);
    assertEquals(v, stored);
    StoredBackup listed = entry(m);
    assertTrue(listed.verifiedByRestore());
    assertEquals(v.finishedAt(), listed.verification().at());
    assertTrue(catalog().orphans().stream().noneMatch(o -> o.key().equals(w.key())),
        "the marker belongs to its backup, not an orphan");

    // write-once: a later, different verdict never replaces it
    RestoreVerdict later = RestoreVerdicts.failed(m, "someone-else", scratch, "late",
        Instant.now(), Instant.now());
    WriteRestoreVerdictResult again = storage.writeRestoreVerdict(
        new WriteRestoreVerdictInput(storage(), later));
    assertFalse(again.written());
    assertEquals(v, again.stored());
    assertTrue(entry(m).verifiedByRestore());

    CleanupScratchInput cleanup = new CleanupScratchInput("t-" + m.backupId(),
        BackupKind.DATABASE, live(), null, scratch, workDir().toString());
    assertEquals(new CleanupScratchResult(scratch, true), restoreTest.cleanupScratch(cleanup));
    assertFalse(databaseExists(scratch));
    assertFalse(Files.exists(workDir().resolve("t-" + m.backupId())), "downloads removed");
    assertEquals(new CleanupScratchResult(scratch, false), restoreTest.cleanupScratch(cleanup));
    assertEquals(liveBefore, fingerprint(LIVE));
  }

  @Test
  void corruptDatabaseBackupIsFailedRestoreWithTheReasonAndNoScratchDatabase() throws Exception {
    String liveBefore = fingerprint(LIVE);
    BackupManifest m = backUpDatabase();
    flipAByte(m.dataKey());
    String scratch = ScratchTargets.databaseName(LIVE, m.backupId());

    RestoreVerdict v = restoreTest.testDatabaseRestore(dbTest(m, scratch));

    assertEquals(RestoreTestOutcome.FAILED_RESTORE, v.outcome());
    assertTrue(v.reason().startsWith("CHECKSUM_MISMATCH: "), v.reason());
    assertTrue(v.reason().contains("SHA-256") || v.reason().contains("sha256"), v.reason());
    assertEquals(List.of(v.reason()), v.problems());
    assertFalse(databaseExists(scratch));
    storage.writeRestoreVerdict(new WriteRestoreVerdictInput(storage(), v));
    StoredBackup listed = entry(m);
    assertEquals(RestoreTestOutcome.FAILED_RESTORE, listed.verification().outcome());
    assertEquals(v.reason(), listed.verification().reason());
    assertFalse(listed.verifiedByRestore());
    assertEquals(liveBefore, fingerprint(LIVE));
  }

  @Test
  void rowsThatDifferFromTheManifestAreFailedRestoreNamingTheTable() throws Exception {
    BackupManifest good = backUpDatabase();
    Map<String, Long> wrong = new TreeMap<>(good.database().rowCounts());
    wrong.put("public.users", wrong.get("public.users") + 1);
    wrong.put("public.vanished", 5L);
    BackupManifest m = new BackupManifest(good.formatVersion(), good.backupId(), good.kind(),
        good.application(), good.dataKey(), good.format(), good.sizeBytes(), good.sha256(),
        good.startedAt(), good.finishedAt(), good.workflowId(),
        new io.drorch.workflows.contracts.values.DatabaseBackupDetails(good.database().database(),
            good.database().host(), good.database().serverVersion(),
            good.database().pgDumpVersion(), good.database().flywayVersion(), wrong),
        null);
    String scratch = ScratchTargets.databaseName(LIVE, m.backupId());

    RestoreVerdict v = restoreTest.testDatabaseRestore(dbTest(m, scratch));

    assertEquals(RestoreTestOutcome.FAILED_RESTORE, v.outcome());
    assertTrue(v.reason().startsWith("2 of "), v.reason());
    assertTrue(v.reason().contains("public.users: " + wrong.get("public.users")
        + " rows in the manifest, " + good.database().rowCounts().get("public.users")
        + " restored"), v.reason());
    assertTrue(v.reason().contains("public.vanished: missing from the restored copy"), v.reason());
    restoreTest.cleanupScratch(new CleanupScratchInput("t-" + m.backupId(), BackupKind.DATABASE,
        live(), null, scratch, workDir().toString()));
  }

  @Test
  void liveOrForeignDatabasesAreRefusedAndLeftAlone() throws Exception {
    String liveBefore = fingerprint(LIVE);
    BackupManifest m = backUpDatabase();
    ApplicationFailure f = refused(() -> restoreTest.testDatabaseRestore(dbTest(m, LIVE)));
    assertTrue(f.getOriginalMessage().contains("is the live database"), f.getOriginalMessage());

    // a real database that happens to carry the scratch name: never restored over, never dropped
    String foreign = ScratchTargets.databaseName(LIVE, "payroll");
    pg.createDatabase(foreign);
    sql(foreign, "CREATE TABLE IF NOT EXISTS salaries(id int); INSERT INTO salaries VALUES (1)");
    String foreignBefore = fingerprint(foreign);
    f = refused(() -> restoreTest.testDatabaseRestore(dbTest(m, foreign)));
    assertTrue(f.getOriginalMessage().contains("is not a scratch database"), f.getOriginalMessage());
    f = refused(() -> restoreTest.cleanupScratch(new CleanupScratchInput("payroll",
        BackupKind.DATABASE, live(), null, foreign, workDir().toString())));
    assertEquals(foreignBefore, fingerprint(foreign));
    refused(() -> restoreTest.cleanupScratch(new CleanupScratchInput("x", BackupKind.DATABASE,
        live(), null, LIVE, workDir().toString())));
    assertEquals(liveBefore, fingerprint(LIVE));
  }

  // ---- files -------------------------------------------------------------------------------

  @Test
  void goodFileBackupIsVerifiedByExtractingIntoScratchLiveDirectoryUntouched() throws Exception {
    Path uploads = uploads();
    Map<String, String> liveBefore = TreeSnapshot.of(uploads);
    BackupManifest m = backUpFiles(uploads);
    String scratch = ScratchTargets.directory(uploads.toString(), "t1");

    RestoreVerdict v = restoreTest.testFilesRestore(filesTest(m, uploads, scratch));

    assertEquals(RestoreTestOutcome.VERIFIED_BY_RESTORE, v.outcome(), v.reason());
    assertEquals(m.files().fileCount(), v.files().files());
    assertEquals(m.files().totalBytes(), v.files().bytes());
    assertEquals(liveBefore.size(), v.files().entries());
    assertTrue(v.compared().startsWith("every entry of the listing"), v.compared());
    assertEquals(liveBefore, TreeSnapshot.of(Path.of(scratch)));
    assertTrue(Files.isRegularFile(Path.of(ScratchTargets.directoryMarker(scratch))));
    assertEquals(liveBefore, TreeSnapshot.of(uploads), "the live directory was touched");

    storage.writeRestoreVerdict(new WriteRestoreVerdictInput(storage(), v));
    assertTrue(entry(m).verifiedByRestore());

    CleanupScratchInput cleanup = new CleanupScratchInput("t1", BackupKind.FILES, null,
        new FilesTarget(uploads.toString()), scratch, workDir().toString());
    assertTrue(restoreTest.cleanupScratch(cleanup).removed());
    assertFalse(Files.exists(Path.of(scratch)));
    assertFalse(Files.exists(Path.of(ScratchTargets.directoryMarker(scratch))));
    assertFalse(restoreTest.cleanupScratch(cleanup).removed());
    assertEquals(liveBefore, TreeSnapshot.of(uploads));
  }

  @Test
  void corruptFileBackupIsFailedRestoreWithTheReason() throws Exception {
    Path uploads = uploads();
    Map<String, String> liveBefore = TreeSnapshot.of(uploads);
    BackupManifest m = backUpFiles(uploads);
    flipAByte(m.dataKey());
    String scratch = ScratchTargets.directory(uploads.toString(), "t2");

    RestoreVerdict v = restoreTest.testFilesRestore(filesTest(m, uploads, scratch));

    assertEquals(RestoreTestOutcome.FAILED_RESTORE, v.outcome());
    assertTrue(v.reason().startsWith("CHECKSUM_MISMATCH: "), v.reason());
    assertNull(v.files());
    assertFalse(Files.exists(Path.of(scratch)), "nothing restored is kept");
    storage.writeRestoreVerdict(new WriteRestoreVerdictInput(storage(), v));
    assertEquals(RestoreTestOutcome.FAILED_RESTORE, entry(m).verification().outcome());
    assertTrue(restoreTest.cleanupScratch(new CleanupScratchInput("t2", BackupKind.FILES, null,
        new FilesTarget(uploads.toString()), scratch, workDir().toString())).removed(),
        "the marker is removed");
    assertEquals(liveBefore, TreeSnapshot.of(uploads));
  }

  @Test
  void theLiveDirectoryAPathAroundItAndForeignDirectoriesAreRefusedAndLeftAlone()
      throws Exception {
    Path uploads = uploads();
    Map<String, String> liveBefore = TreeSnapshot.of(uploads);
    BackupManifest m = backUpFiles(uploads);
    for (String bad : List.of(uploads.toString(), uploads.getParent().toString(),
        uploads.resolve("x.drill-1").toString())) {
      refused(() -> restoreTest.testFilesRestore(filesTest(m, uploads, bad)));
      refused(() -> restoreTest.cleanupScratch(new CleanupScratchInput("x", BackupKind.FILES,
          null, new FilesTarget(uploads.toString()), bad, workDir().toString())));
    }
    Path foreign = Path.of(ScratchTargets.directory(uploads.toString(), "other"));
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("keep.txt"), "not ours");
    ApplicationFailure f = refused(() -> restoreTest.testFilesRestore(
        filesTest(m, uploads, foreign.toString())));
    assertTrue(f.getOriginalMessage().contains("without the marker"), f.getOriginalMessage());
    refused(() -> restoreTest.cleanupScratch(new CleanupScratchInput("other", BackupKind.FILES,
        null, new FilesTarget(uploads.toString()), foreign.toString(), workDir().toString())));
    assertEquals("not ours", Files.readString(foreign.resolve("keep.txt")));
    assertEquals(liveBefore, TreeSnapshot.of(uploads));
  }

  // ---- helpers -----------------------------------------------------------------------------

  private BackupManifest backUpDatabase() {
    String id = String.format("db-20261126T0200%02dZ-rt0001", IDS.incrementAndGet());
    DumpDatabaseResult r = dump.dumpToStorage(new DumpDatabaseInput(id, live(), storage()));
    BackupManifest m = new BackupManifest(BackupManifest.FORMAT_VERSION, id, BackupKind.DATABASE,
        "ai-docs", r.dataKey(), r.format(), r.sizeBytes(), r.sha256(), r.startedAt(),
        r.finishedAt(), "backup-db-test", r.details(), null);
    storage.writeManifest(new WriteManifestInput(storage(), m));
    return m;
  }

  private BackupManifest backUpFiles(Path uploads) {
    String id = String.format("files-20261126T0230%02dZ-rt0001", IDS.incrementAndGet());
    ArchiveFilesResult r = archive.archiveToStorage(
        new ArchiveFilesInput(id, new FilesTarget(uploads.toString()), storage()));
    BackupManifest m = new BackupManifest(BackupManifest.FORMAT_VERSION, id, BackupKind.FILES,
        "ai-docs", r.dataKey(), r.format(), r.sizeBytes(), r.sha256(), r.startedAt(),
        r.finishedAt(), "backup-files-test", null, r.details());
    storage.writeManifest(new WriteManifestInput(storage(), m));
    return m;
  }

  private RestoreTestInput dbTest(BackupManifest m, String scratch) {
    return new RestoreTestInput("t-" + m.backupId(), m, storage(), live(), null, scratch,
        workDir().toString(), 2);
  }

  private RestoreTestInput filesTest(BackupManifest m, Path uploads, String scratch) {
    return new RestoreTestInput("t-" + m.backupId(), m, storage(), null,
        new FilesTarget(uploads.toString()), scratch, workDir().toString(), 1);
  }

  private Path uploads() {
    Path uploads = tmp.resolve("srv/app/uploads");
    SampleApplication.createUploads(uploads, 40);
    return uploads;
  }

  private Path workDir() {
    return tmp.resolve("work");
  }

  private static DatabaseTarget live() {
    return new DatabaseTarget(pg.host(), pg.port(), LIVE, pg.superuser(), null, null);
  }

  private static StorageTarget storage() {
    return storage(BUCKET, "ai-docs");
  }

  private BackupCatalog catalog() {
    return storage.listBackups(storage());
  }

  private StoredBackup entry(BackupManifest m) {
    return catalog().backups().stream().filter(b -> b.manifest() != null
        && b.manifest().backupId().equals(m.backupId())).findFirst().orElseThrow();
  }

  private static void flipAByte(String key) {
    byte[] data = s3.client().getObjectAsBytes(x -> x.bucket(BUCKET).key(key)).asByteArray();
    data[data.length / 2] ^= 0x01;
    s3.client().putObject(x -> x.bucket(BUCKET).key(key), RequestBody.fromBytes(data));
  }

  private static ApplicationFailure refused(Runnable call) {
    ActivityFailure f = assertThrows(ActivityFailure.class, call::run);
    ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, f.getCause());
    assertEquals(DrError.SCRATCH_REFUSED.name(), af.getType(), af.getOriginalMessage());
    assertTrue(af.isNonRetryable());
    return af;
  }

  private static void sql(String db, String statements) throws SQLException {
    try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
      st.execute(statements);
    }
  }

  private static boolean databaseExists(String name) throws SQLException {
    try (Connection c = pg.connect("postgres");
        PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static String comment(String db) throws SQLException {
    try (Connection c = pg.connect("postgres"); PreparedStatement ps = c.prepareStatement(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?")) {
      ps.setString(1, db);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Row count and ordered md5 of every table: equal fingerprints mean equal data. */
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
        try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(md5(string_agg(t::text,"
            + " '|' ORDER BY t::text)), '') FROM \"" + t[0] + "\".\"" + t[1] + "\" t")) {
          rs.next();
          sb.append(t[0]).append('.').append(t[1]).append(' ').append(rs.getLong(1)).append(' ')
              .append(rs.getString(2)).append('\n');
        }
      }
    }
    assertFalse(sb.isEmpty(), "no tables in " + db);
    return sb.toString();
  }
}
