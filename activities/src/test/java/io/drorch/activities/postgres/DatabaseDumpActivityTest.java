package io.drorch.activities.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.Sha256;
import io.drorch.local.LocalPostgres;
import io.drorch.local.LocalS3;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.contracts.commands.DumpDatabaseInput;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.DumpDatabaseResult;
import io.drorch.workflows.postgres.PostgresActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link PostgresActivitiesImpl#dumpToStorage} against a real PostgreSQL and a real S3 server, run
 * through {@link TestActivityEnvironment} (heartbeats, attempt number, cancellation).
 */
class DatabaseDumpActivityTest {
  static final String BUCKET = "dumps";
  static final String DB = "shop";

  @TempDir static Path tmp;
  static LocalPostgres pg;
  static LocalS3 s3;
  static S3Clients clients;
  static final List<TestActivityEnvironment> envs = new ArrayList<>();

  @BeforeAll
  static void startStack() throws Exception {
    pg = LocalPostgres.start(tmp.resolve("pg"));
    s3 = LocalS3.start(tmp.resolve("s3"));
    s3.createBucket(BUCKET);
    clients = new S3Clients(s3.credentials());
    pg.createDatabase(DB);
    sql(DB,
        "CREATE SCHEMA shop",
        "CREATE TABLE shop.customers(id bigserial PRIMARY KEY, email text NOT NULL UNIQUE,"
            + " name text, created_at timestamptz NOT NULL, balance numeric(12,2), tags text[],"
            + " profile jsonb)",
        "CREATE TABLE shop.orders(id bigserial PRIMARY KEY,"
            + " customer_id bigint NOT NULL REFERENCES shop.customers(id), placed_at timestamptz,"
            + " total numeric(12,2), note text, paid boolean)",
        "CREATE INDEX orders_customer ON shop.orders(customer_id)",
        "CREATE TABLE public.attachments(id uuid PRIMARY KEY DEFAULT gen_random_uuid(),"
            + " order_id bigint REFERENCES shop.orders(id), content bytea, mime text)",
        "CREATE TABLE public.empty_table(id int)",
        "CREATE TABLE public.\"Mixed Case\"(k text, v int)",
        "INSERT INTO shop.customers(email, name, created_at, balance, tags, profile)"
            + " SELECT 'c' || g || '@example.com', CASE WHEN g % 7 = 0 THEN NULL ELSE 'Name ' || g"
            + " || E' \\u00e9\\t\"q\"' END, timestamptz '2026-01-01 00:00+00' + g * interval '1 h',"
            + " CASE WHEN g % 5 = 0 THEN NULL ELSE g * 1.25 END, ARRAY['t' || (g % 3), NULL],"
            + " jsonb_build_object('n', g, 'nested', jsonb_build_array(g, NULL))"
            + " FROM generate_series(1, 3000) g",
        "INSERT INTO shop.orders(customer_id, placed_at, total, note, paid)"
            + " SELECT 1 + g % 3000, CASE WHEN g % 11 = 0 THEN NULL ELSE now() - g * interval '1 m'"
            + " END, g % 1000 + 0.99, repeat('note ', g % 20), g % 2 = 0"
            + " FROM generate_series(1, 8000) g",
        "INSERT INTO public.attachments(order_id, content, mime)"
            + " SELECT g, CASE WHEN g % 13 = 0 THEN NULL ELSE decode(md5(g::text) || md5('x' || g),"
            + " 'hex') || '\\x00ff00'::bytea END, 'application/octet-stream'"
            + " FROM generate_series(1, 500) g",
        "INSERT INTO public.\"Mixed Case\" VALUES ('a', 1), (NULL, NULL), ('b''q', 3)",
        // what Flyway leaves behind: the latest *successful* versioned migration is 2
        "CREATE TABLE public.flyway_schema_history(installed_rank int PRIMARY KEY,"
            + " version varchar(50), description varchar(200), type varchar(20), script"
            + " varchar(1000), checksum int, installed_by varchar(100), installed_on timestamp"
            + " DEFAULT now(), execution_time int, success boolean)",
        "INSERT INTO public.flyway_schema_history(installed_rank, version, description, type,"
            + " script, installed_by, execution_time, success) VALUES"
            + " (1, '1', 'init', 'SQL', 'V1__init.sql', 'app', 5, true),"
            + " (2, '2', 'orders', 'SQL', 'V2__orders.sql', 'app', 5, true),"
            + " (3, '3', 'broken', 'SQL', 'V3__broken.sql', 'app', 5, false),"
            + " (4, NULL, 'views', 'SQL', 'R__views.sql', 'app', 5, true)");
  }

  @AfterAll
  static void stopStack() {
    envs.forEach(TestActivityEnvironment::close);
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

  // ---- round trips -------------------------------------------------------------------------

  @Test
  void gzipDumpRestoresToIdenticalTablesAndCountsMatch() throws Exception {
    roundTrip(null, "gzip", ".dump", "pg_dump-custom");
  }

  @Test
  void zstdDumpRestoresWithSystemZstdToIdenticalTablesAndCountsMatch() throws Exception {
    roundTrip("zstd", "zstd", ".dump.zst", "pg_dump-custom+zstd");
  }

  private void roundTrip(String compression, String label, String extension, String format)
      throws Exception {
    StorageTarget storage = storage("rt-" + label);
    String backupId = "db-rt-" + label;
    long t0 = System.nanoTime();
    DumpDatabaseResult r = activities(DatabaseCredentials.fixed(pg.password()))
        .dumpToStorage(new DumpDatabaseInput(backupId, db(DB, compression), storage));
    long dumpMs = (System.nanoTime() - t0) / 1_000_000;

    assertEquals(BackupKeys.dataKey(storage, BackupKind.DATABASE, backupId, extension, 1),
        r.dataKey());
    assertEquals(format, r.format());
    assertFalse(r.finishedAt().isBefore(r.startedAt()));
    assertEquals(DB, r.details().database());
    assertTrue(r.details().serverVersion().matches("\\d+.*"), r.details().serverVersion());
    assertTrue(r.details().pgDumpVersion().startsWith("pg_dump (PostgreSQL)"),
        r.details().pgDumpVersion());
    assertEquals("2", r.details().flywayVersion());

    // the object is exactly what the result says
    Path file = tmp.resolve(backupId + extension);
    MessageDigest md = Sha256.newDigest();
    try (InputStream in = new DigestInputStream(
        s3.client().getObject(b -> b.bucket(BUCKET).key(r.dataKey())), md)) {
      Files.copy(in, file);
    }
    assertEquals(Files.size(file), r.sizeBytes());
    assertEquals(Sha256.hex(md), r.sha256());

    // row counts of the manifest-to-be equal the real ones, for every table
    Map<String, long[]> original = tableFingerprints(DB);
    Map<String, Long> realCounts = new TreeMap<>();
    original.forEach((t, f) -> realCounts.put(t, f[0]));
    assertEquals(realCounts, r.details().rowCounts());
    assertEquals(3000L, r.details().rowCounts().get("shop.customers"));
    assertEquals(0L, r.details().rowCounts().get("public.empty_table"));
    assertEquals(3L, r.details().rowCounts().get("public.Mixed Case"));

    // restore by hand, the way the plan tells a human to
    Path dump = file;
    if (compression != null) {
      dump = tmp.resolve(backupId + ".dump");
      run(List.of("zstd", "-d", "-q", "-f", file.toString(), "-o", dump.toString()));
    }
    String restored = "restored_" + label;
    pg.dropDatabase(restored);
    pg.createDatabase(restored);
    run(List.of("pg_restore", "--exit-on-error", "-d", restored, dump.toString()));
    Map<String, long[]> copy = tableFingerprints(restored);
    assertEquals(fingerprintText(original), fingerprintText(copy));
    System.out.printf("dump %s: %d bytes in %d ms (activity wall time)%n", label, r.sizeBytes(),
        dumpMs);
  }

  // ---- failures ----------------------------------------------------------------------------

  @Test
  void wrongPortIsDatabaseUnreachableAndRetryable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    DatabaseTarget target = new DatabaseTarget("127.0.0.1", port, DB, "postgres", null, null);
    ApplicationFailure f = failure(() -> activities(DatabaseCredentials.fixed(pg.password()))
        .dumpToStorage(new DumpDatabaseInput("db-port", target, storage("port"))));
    assertEquals("DATABASE_UNREACHABLE", f.getType());
    assertFalse(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().contains("127.0.0.1:" + port), f.getOriginalMessage());
    assertNoObjects("port");
  }

  @Test
  void wrongPasswordIsDatabaseAuthAndNotRetried() {
    ApplicationFailure f = failure(() -> activities(DatabaseCredentials.fixed("not-the-password"))
        .dumpToStorage(new DumpDatabaseInput("db-pw", db(DB, null), storage("pw"))));
    assertEquals("DATABASE_AUTH", f.getType());
    assertTrue(f.isNonRetryable());
    assertFalse(f.getOriginalMessage().contains("not-the-password"));
    assertNoObjects("pw");
  }

  @Test
  void missingDatabaseIsDatabaseNotFound() {
    ApplicationFailure f = failure(() -> activities(DatabaseCredentials.fixed(pg.password()))
        .dumpToStorage(new DumpDatabaseInput("db-nf", db("no_such_db", null), storage("nf"))));
    assertEquals("DATABASE_NOT_FOUND", f.getType());
    assertTrue(f.isNonRetryable());
    assertNoObjects("nf");
  }

  @Test
  void unknownCompressionIsBadInput() {
    ApplicationFailure f = failure(() -> activities(DatabaseCredentials.fixed(pg.password()))
        .dumpToStorage(new DumpDatabaseInput("db-bad", db(DB, "lzma"), storage("bad"))));
    assertEquals("BAD_INPUT", f.getType());
    assertTrue(f.isNonRetryable());
  }

  @Test
  void missingBucketIsBucketMissingAndWritesNothingAnywhere() {
    StorageTarget nowhere =
        new StorageTarget("no-such-bucket", "mb", LocalS3.REGION, s3.endpoint(), true, 30, false, 0);
    ApplicationFailure f = failure(() -> activities(DatabaseCredentials.fixed(pg.password()))
        .dumpToStorage(new DumpDatabaseInput("db-mb", db(DB, null), nowhere)));
    assertEquals("BUCKET_MISSING", f.getType());
    assertTrue(f.isNonRetryable());
    for (Bucket b : s3.client().listBuckets().buckets()) {
      assertFalse(b.name().equals("no-such-bucket"), "the bucket must not have been created");
      for (S3Object o : s3.client().listObjectsV2Paginator(x -> x.bucket(b.name())).contents()) {
        assertFalse(o.key().contains("db-mb"), "unexpected object " + b.name() + "/" + o.key());
      }
    }
  }

  /**
   * A table pg_dump may not read (row-level security, as a non-owner) makes it fail after it has
   * streamed more than one 16 MiB part of an earlier table: the upload is aborted, nothing lands.
   */
  @Test
  void dumpFailingMidStreamLeavesNoObject() throws Exception {
    String db = "partial";
    pg.createDatabase(db);
    sql("postgres",
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dumper') THEN"
            + " CREATE ROLE dumper LOGIN PASSWORD 'dumper-pw'; END IF; END $$");
    sql(db,
        "CREATE TABLE a_big(id int, payload bytea)",
        // ~24 MiB of random bytes: more than one multipart part even after compression
        "INSERT INTO a_big SELECT g, (SELECT string_agg(uuid_send(gen_random_uuid()), ''::bytea)"
            + " FROM generate_series(1, 4096) WHERE g > 0) FROM generate_series(1, 384) g",
        "CREATE TABLE z_secret(id int, owner_name text)",
        "INSERT INTO z_secret VALUES (1, 'alice'), (2, 'bob')",
        "ALTER TABLE z_secret ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY only_own ON z_secret USING (owner_name = current_user)",
        "GRANT SELECT ON a_big, z_secret TO dumper");
    DatabaseTarget target = new DatabaseTarget(pg.host(), pg.port(), db, "dumper", null, "zstd");
    TestActivityEnvironment env = newEnv(DatabaseCredentials.fixed("dumper-pw"));
    PostgresActivities a = stub(env);
    ApplicationFailure f = failure(
        () -> a.dumpToStorage(new DumpDatabaseInput("db-partial", target, storage("partial"))));
    assertEquals("DATABASE_AUTH", f.getType(), f.getOriginalMessage());
    assertTrue(f.getOriginalMessage().contains("z_secret"), f.getOriginalMessage());
    // it failed mid-stream: more than one part's worth of compressed output had been streamed
    java.util.regex.Matcher streamed = java.util.regex.Pattern
        .compile("after (\\d+) bytes of output").matcher(f.getOriginalMessage());
    assertTrue(streamed.find(), f.getOriginalMessage());
    long bytes = Long.parseLong(streamed.group(1));
    assertTrue(bytes > io.drorch.activities.storage.HashingUpload.PART_SIZE,
        "failed after only " + bytes + " bytes, not after more than one 16 MiB part");
    assertNoObjects("partial");
    var uploads = s3.client().listMultipartUploads(b -> b.bucket(BUCKET).prefix("partial/"));
    assertTrue(uploads.uploads().isEmpty(), "multipart upload left behind: " + uploads.uploads());
  }

  /** A cancel while pg_dump waits on a lock destroys pg_dump and aborts the upload. */
  @Test
  void cancelStopsPgDumpAndLeavesNoObject() throws Exception {
    TestActivityEnvironment env = newEnv(DatabaseCredentials.fixed(pg.password()));
    PostgresActivities a = stub(env);
    try (Connection locker = pg.connect(DB); Statement st = locker.createStatement()) {
      locker.setAutoCommit(false);
      st.execute("LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE");
      CompletableFuture<DumpDatabaseResult> run = CompletableFuture.supplyAsync(
          () -> a.dumpToStorage(new DumpDatabaseInput("db-cancel", db(DB, null), storage("cancel"))));
      assertTrue(waitFor(() -> pgDumpBackends(DB) > 0, 20_000), "pg_dump never connected");
      long cancelAt = System.nanoTime();
      env.requestCancelActivity();
      Throwable t = assertThrows(Exception.class, () -> run.get(30, TimeUnit.SECONDS));
      long stopMs = (System.nanoTime() - cancelAt) / 1_000_000;
      assertTrue(hasCause(t, CanceledFailure.class), "not a cancellation: " + t);
      // the pg_dump process is gone while the lock is still held (its backend, blocked on the
      // lock, only notices the closed socket once the lock is released)
      assertTrue(ProcessHandle.current().descendants()
          .noneMatch(p -> p.info().command().orElse("").endsWith("pg_dump")), "pg_dump alive");
      locker.rollback();
      assertTrue(waitFor(() -> pgDumpBackends(DB) == 0, 10_000), "pg_dump still connected");
      System.out.printf("cancel: activity stopped %d ms after the cancel request%n", stopMs);
    }
    assertNoObjects("cancel");
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static DatabaseTarget db(String name, String compression) {
    return new DatabaseTarget(pg.host(), pg.port(), name, pg.superuser(), null, compression);
  }

  private static StorageTarget storage(String prefix) {
    return new StorageTarget(BUCKET, prefix, LocalS3.REGION, s3.endpoint(), true, 30, false, 0);
  }

  private static TestActivityEnvironment newEnv(DatabaseCredentials credentials) {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new PostgresActivitiesImpl(credentials, clients));
    envs.add(env);
    return env;
  }

  private static PostgresActivities stub(TestActivityEnvironment env) {
    return env.newActivityStub(PostgresActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(5))
            .setHeartbeatTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private static PostgresActivities activities(DatabaseCredentials credentials) {
    return stub(newEnv(credentials));
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

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static void assertNoObjects(String prefix) {
    List<String> keys = new ArrayList<>();
    s3.client().listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents()
        .forEach(o -> keys.add(o.key()));
    assertEquals(List.of(), keys, "objects under " + prefix + "/");
  }

  private static void sql(String db, String... statements) throws SQLException {
    try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  /** Per table: {row count, hash of the ordered content} (md5 as two longs). */
  private static Map<String, long[]> tableFingerprints(String db) throws SQLException {
    Map<String, long[]> out = new TreeMap<>();
    try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
      List<String[]> tables = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT schemaname, tablename FROM pg_tables"
          + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")) {
        while (rs.next()) {
          tables.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      for (String[] t : tables) {
        String q = "\"" + t[0].replace("\"", "\"\"") + "\".\"" + t[1].replace("\"", "\"\"") + "\"";
        try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(md5(string_agg(t::text, '|'"
            + " ORDER BY t::text)), '') FROM " + q + " t")) {
          rs.next();
          String md5 = rs.getString(2);
          long hi = md5.isEmpty() ? 0 : Long.parseUnsignedLong(md5.substring(0, 16), 16);
          long lo = md5.isEmpty() ? 0 : Long.parseUnsignedLong(md5.substring(16), 16);
          out.put(t[0] + "." + t[1], new long[] {rs.getLong(1), hi, lo});
        }
      }
    }
    return out;
  }

  private static String fingerprintText(Map<String, long[]> f) {
    StringBuilder sb = new StringBuilder();
    f.forEach((t, v) -> sb.append(t).append(' ').append(v[0]).append(' ')
        .append(Long.toHexString(v[1])).append(Long.toHexString(v[2])).append('\n'));
    return sb.toString();
  }

  private static int pgDumpBackends(String db) {
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '"
            + db + "' AND application_name = 'pg_dump'")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean waitFor(java.util.function.BooleanSupplier condition, long millis)
      throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return condition.getAsBoolean();
  }

  private static void run(List<String> cmd) throws Exception {
    PgTools.Output out = PgTools.run(cmd, pg.clientEnv(), Duration.ofMinutes(2));
    assertEquals(0, out.exitCode(), String.join(" ", cmd) + ": " + out.stderr());
  }
}
