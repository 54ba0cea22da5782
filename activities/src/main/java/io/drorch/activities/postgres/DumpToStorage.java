package io.drorch.activities.postgres;

import io.drorch.activities.storage.BackupStore;
import io.drorch.activities.storage.HashingUpload;
import io.drorch.activities.storage.StorageErrors;
import io.drorch.activities.storage.UploadedObject;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.DumpDatabaseInput;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.DatabaseBackupDetails;
import io.drorch.workflows.contracts.values.DumpDatabaseResult;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@code dumpToStorage}: a consistent dump streamed into S3.
 *
 * <pre>
 *   JDBC: BEGIN REPEATABLE READ READ ONLY; pg_export_snapshot()  ──────────── held until the end
 *           └─ counter thread: count(*) of every table, same snapshot, serial (one core)
 *   pg_dump -Fc [-Z0] --snapshot=S ──(OS pipe)──▶ [zstd -q -T2 -3 -c] ──stdout──▶ this thread
 *           stderr ─▶ capture thread              stderr ─▶ capture thread        │ 1 MiB reads
 *                                                                                 ▼
 *                                          HashingUpload (multipart, SHA-256, ≤ 2 parts in memory)
 *   ticker thread: heartbeat(bytes) every 2 s; a cancel destroys the processes
 * </pre>
 *
 * The upload is completed only when pg_dump (and zstd) exited 0 and the row counts are in;
 * otherwise it is aborted, so no partial dump ever becomes an object.
 */
final class DumpToStorage {
  private static final Logger log = LoggerFactory.getLogger(DumpToStorage.class);
  static final int READ_BUFFER = 1024 * 1024;
  static final long HEARTBEAT_MILLIS = io.drorch.activities.common.Heartbeats.INTERVAL_MS;
  /** pg_dump and our counts wait at most this long for a table lock (e.g. behind a migration). */
  static final String LOCK_WAIT = "60s";
  static final String ZSTD_HINT =
      "Install zstd on the worker (Debian/Ubuntu: apt-get install zstd) or set"
          + " database.compression to gzip in dr-plan.yaml.";

  private final DumpDatabaseInput input;
  private final DatabaseTarget db;
  private final DumpCompression compression;
  private final PgTools tools;
  private final Optional<String> password;
  private final BackupStore store;
  private final ActivityExecutionContext ctx;

  private final AtomicLong bytes = new AtomicLong();
  private final AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean finishing;
  private volatile Connection conn;
  private volatile Process pgDump;
  private volatile Process zstd;
  private BoundedCapture pgDumpErr;
  private BoundedCapture zstdErr;
  private HashingUpload upload;

  DumpToStorage(DumpDatabaseInput input, DumpCompression compression, PgTools tools,
      Optional<String> password, BackupStore store, ActivityExecutionContext ctx) {
    this.input = input;
    this.db = input.database();
    this.compression = compression;
    this.tools = tools;
    this.password = password;
    this.store = store;
    this.ctx = ctx;
  }

  DumpDatabaseResult execute() {
    Instant startedAt = Instant.now();
    Path pgDumpBin = tools.pgBinary("pg_dump");
    Path zstdBin = compression == DumpCompression.ZSTD ? tools.systemBinary("zstd", ZSTD_HINT)
        : null;
    String pgDumpVersion = PgTools.version(pgDumpBin);
    String key = BackupKeys.dataKey(input.storage(), BackupKind.DATABASE, input.backupId(),
        compression.extension, ctx.getInfo().getAttempt());
    try {
      conn = Jdbc.connect(db, password);
      Snapshot snap = openSnapshot(pgDumpVersion);
      upload = openUpload(key);
      log.info("dumping {} on {}:{} to {} (snapshot {}, {} tables)", db.name(), db.host(),
          db.port(), key, snap.id, snap.tables.size());
      startProcesses(pgDumpBin, zstdBin, snap.id);
      FutureTask<SortedMap<String, Long>> counts = startCounter(snap.tables);
      startTicker();

      pump(zstd != null ? zstd.getInputStream() : pgDump.getInputStream());
      checkExit(pgDump, pgDumpErr, "pg_dump");
      if (zstd != null) {
        checkExit(zstd, zstdErr, "zstd");
      }
      SortedMap<String, Long> rowCounts = awaitCounts(counts);
      finishSnapshot();
      throwFirstFailure();
      UploadedObject obj = completeUpload();
      Instant finishedAt = Instant.now();
      log.info("dumped {} to {}: {} bytes in {} ms", db.name(), key, obj.sizeBytes(),
          Duration.between(startedAt, finishedAt).toMillis());
      return new DumpDatabaseResult(obj.key(), compression.format, obj.sizeBytes(), obj.sha256(),
          startedAt, finishedAt,
          new DatabaseBackupDetails(db.name(), db.host(), snap.serverVersion, pgDumpVersion,
              snap.flywayVersion, rowCounts));
    } catch (RuntimeException e) {
      RuntimeException first = firstFailure.get();
      throw first != null ? first : e;
    } finally {
      cleanup();
    }
  }

  // ---- the snapshot transaction ------------------------------------------------------------

  private record Snapshot(String id, String serverVersion, String flywayVersion,
      List<String[]> tables) {}

  private Snapshot openSnapshot(String pgDumpVersion) {
    try {
      conn.setAutoCommit(false);
      try (Statement st = conn.createStatement()) {
        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        st.execute("SET LOCAL lock_timeout = '" + LOCK_WAIT + "'");
        st.execute("SET LOCAL statement_timeout = 0");
        st.execute("SET LOCAL idle_in_transaction_session_timeout = 0");
        String id;
        String serverVersion;
        int serverVersionNum;
        try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot(),"
            + " current_setting('server_version'), current_setting('server_version_num')::int")) {
          rs.next();
          id = rs.getString(1);
          serverVersion = rs.getString(2);
          serverVersionNum = rs.getInt(3);
        }
        checkPgDumpCanDump(pgDumpVersion, serverVersion, serverVersionNum);
        return new Snapshot(id, serverVersion, flywayVersion(st), tables(st));
      }
    } catch (SQLException e) {
      throw Jdbc.classify(e, db);
    }
  }

  private void checkPgDumpCanDump(String pgDumpVersion, String serverVersion, int serverNum) {
    int serverMajor = serverNum / 10000;
    int dumpMajor = PgTools.majorVersion(pgDumpVersion);
    if (serverNum >= 100000 && dumpMajor > 0 && dumpMajor < serverMajor) {
      throw DrError.TOOL_MISSING.failure(
          "'" + pgDumpVersion + "' cannot dump PostgreSQL " + serverVersion + " at " + db.host()
              + ":" + db.port() + ": pg_dump must be at least the server's major version. Install"
              + " the PostgreSQL " + serverMajor + " client on the worker (Debian/Ubuntu:"
              + " postgresql-client-" + serverMajor + ") or set " + PgTools.BINDIR_ENV
              + " to its bin directory.");
    }
  }

  /** The latest successfully applied Flyway version, or null without a readable history table. */
  private static String flywayVersion(Statement st) throws SQLException {
    String schema = null;
    try (ResultSet rs = st.executeQuery(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relname = 'flyway_schema_history' AND c.relkind IN ('r', 'p')"
            + " AND has_table_privilege(c.oid, 'SELECT')"
            + " ORDER BY (n.nspname = current_schema()) DESC, n.nspname LIMIT 1")) {
      if (rs.next()) {
        schema = rs.getString(1);
      }
    }
    if (schema == null) {
      return null;
    }
    try (ResultSet rs = st.executeQuery("SELECT version FROM " + Jdbc.quoteIdent(schema)
        + ".flyway_schema_history WHERE success AND version IS NOT NULL"
        + " ORDER BY installed_rank DESC LIMIT 1")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /**
   * Ordinary tables outside the system schemas that the user may read (a table it may not read
   * makes pg_dump fail anyway, with pg_dump's own message).
   */
  static List<String[]> tables(Statement st) throws SQLException {
    List<String[]> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind = 'r' AND c.relpersistence <> 't'"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
            + " AND has_table_privilege(c.oid, 'SELECT')"
            + " ORDER BY 1, 2")) {
      while (rs.next()) {
        out.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    return out;
  }

  private FutureTask<SortedMap<String, Long>> startCounter(List<String[]> tables) {
    FutureTask<SortedMap<String, Long>> task = new FutureTask<>(() -> {
      SortedMap<String, Long> counts = new TreeMap<>();
      try (Statement st = conn.createStatement()) {
        // one process per count, no JIT compilation: the counts share the machine with pg_dump
        // (whose compression takes a core) and only have to finish before it does; parallel
        // workers would take CPU from pg_dump and make the whole backup slower
        st.execute("SET LOCAL max_parallel_workers_per_gather = 0");
        st.execute("SET LOCAL jit = off");
        for (String[] t : tables) {
          try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + Jdbc.quoteIdent(t[0])
              + "." + Jdbc.quoteIdent(t[1]))) {
            rs.next();
            counts.put(t[0] + "." + t[1], rs.getLong(1));
          } catch (SQLException e) {
            if (!finishing) {
              fail(DrError.DUMP_FAILED.failure("Counting the rows of " + t[0] + "." + t[1]
                  + " in the dump's snapshot failed: " + Jdbc.firstLine(e.getMessage()), e));
            }
            throw e;
          }
        }
      }
      return counts;
    });
    start(task, "pg-count-rows");
    return task;
  }

  private SortedMap<String, Long> awaitCounts(FutureTask<SortedMap<String, Long>> counts) {
    try {
      return counts.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DrError.DUMP_FAILED.failure("interrupted while counting rows", e);
    } catch (ExecutionException e) {
      throwFirstFailure();
      throw DrError.DUMP_FAILED.failure("Counting rows failed: " + e.getCause(), e.getCause());
    }
  }

  private void finishSnapshot() {
    Connection c = conn;
    conn = null;
    try (c) {
      c.rollback();
    } catch (SQLException e) {
      // read-only and done: nothing was written, nothing to lose
      log.debug("closing the snapshot transaction: {}", e.toString());
    }
  }

  // ---- the processes -----------------------------------------------------------------------

  private void startProcesses(Path pgDumpBin, Path zstdBin, String snapshotId) {
    List<String> cmd = new ArrayList<>(List.of(pgDumpBin.toString(), "-Fc"));
    cmd.addAll(compression.pgDumpArgs);
    cmd.add("--snapshot=" + snapshotId);
    cmd.add("--no-password");
    cmd.add("--lock-wait-timeout=" + LOCK_WAIT);
    cmd.addAll(PgTools.connectionArgs(db));
    cmd.add("-d");
    cmd.add(db.name());
    ProcessBuilder dump = new ProcessBuilder(cmd);
    PgTools.applyConnectionEnv(dump.environment(), password);
    try {
      if (zstdBin == null) {
        pgDump = dump.start();
      } else {
        ProcessBuilder z = new ProcessBuilder(zstdBin.toString(), "-q", "-T2", "-3", "-c");
        z.environment().remove("PGPASSWORD");
        // an OS pipe joins them: no bytes through the JVM, the kernel's buffer bounds it
        List<Process> ps = ProcessBuilder.startPipeline(List.of(dump, z));
        pgDump = ps.get(0);
        zstd = ps.get(1);
        zstdErr = BoundedCapture.start(zstd.getErrorStream(), "zstd-stderr-" + zstd.pid());
      }
    } catch (IOException e) {
      throw DrError.TOOL_MISSING.failure("cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
    }
    closeQuietly(pgDump.getOutputStream());
    pgDumpErr = BoundedCapture.start(pgDump.getErrorStream(), "pg_dump-stderr-" + pgDump.pid());
  }

  private void pump(InputStream in) {
    byte[] buf = new byte[READ_BUFFER];
    while (true) {
      int n;
      try {
        n = in.read(buf);
      } catch (IOException e) {
        throwFirstFailure();
        throw DrError.DUMP_FAILED.failure("reading the dump output failed after " + bytes.get()
            + " bytes: " + e.getMessage() + stderrSuffix(), e);
      }
      if (n < 0) {
        return;
      }
      try {
        upload.write(buf, 0, n);
      } catch (IOException | RuntimeException e) {
        throwFirstFailure();
        throw StorageErrors.translate(unwrap(e), input.storage(), "upload the database dump");
      }
      bytes.addAndGet(n);
    }
  }

  private void checkExit(Process p, BoundedCapture err, String name) {
    int exit;
    try {
      exit = p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DrError.DUMP_FAILED.failure("interrupted while waiting for " + name, e);
    }
    throwFirstFailure();
    if (exit != 0) {
      throw dumpFailure(name, exit, err.text(Duration.ofSeconds(5)));
    }
  }

  private RuntimeException dumpFailure(String name, int exit, String stderr) {
    String lower = stderr.toLowerCase(Locale.ROOT);
    String what = name + " failed with exit code " + exit + " after " + bytes.get()
        + " bytes of output: " + (stderr.isEmpty() ? "(no message)" : stderr);
    if (lower.contains("permission denied") || lower.contains("row-level security")) {
      return DrError.DATABASE_AUTH.failure(what + "\nGrant database.user '" + db.user()
          + "' read access to everything in database '" + db.name()
          + "' (e.g. the pg_read_all_data role; BYPASSRLS for tables with row-level security),"
          + " or dump as the owner.");
    }
    if (lower.contains("password authentication failed") || lower.contains("no password supplied")) {
      return DrError.DATABASE_AUTH.failure(what + "\nCheck PGPASSWORD or ~/.pgpass on the worker"
          + " and database.user in dr-plan.yaml.");
    }
    if (lower.contains("server version mismatch")) {
      return DrError.TOOL_MISSING.failure(what + "\nInstall a pg_dump at least as new as the"
          + " server on the worker, or set " + PgTools.BINDIR_ENV + ".");
    }
    return DrError.DUMP_FAILED.failure(what);
  }

  private String stderrSuffix() {
    String s = pgDumpErr == null ? "" : pgDumpErr.snapshot();
    return s.isEmpty() ? "" : "; pg_dump said: " + s;
  }

  // ---- storage -----------------------------------------------------------------------------

  private HashingUpload openUpload(String key) {
    try {
      return store.openUpload(key, "application/octet-stream");
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, input.storage(), "upload the database dump");
    }
  }

  private UploadedObject completeUpload() {
    try {
      return upload.complete();
    } catch (IOException | RuntimeException e) {
      throw StorageErrors.translate(unwrap(e), input.storage(), "upload the database dump");
    }
  }

  private static Exception unwrap(Exception e) {
    if (e instanceof IOException && e.getCause() instanceof RuntimeException re) {
      return re;
    }
    return e;
  }

  // ---- heartbeats, failures, cleanup -------------------------------------------------------

  private void startTicker() {
    start(() -> {
      while (!finishing) {
        try {
          Thread.sleep(HEARTBEAT_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
        if (finishing) {
          return;
        }
        try {
          ctx.heartbeat(bytes.get());
        } catch (ActivityCompletionException e) {
          // cancelled, timed out or the worker is shutting down: stop everything now
          fail(e);
          return;
        } catch (RuntimeException e) {
          log.warn("heartbeat failed: {}", e.toString());
        }
      }
    }, "pg_dump-heartbeat");
  }

  /** Records the first failure and stops the processes and the snapshot transaction. */
  private void fail(RuntimeException e) {
    if (firstFailure.compareAndSet(null, e)) {
      stopWork();
    }
  }

  private void throwFirstFailure() {
    RuntimeException e = firstFailure.get();
    if (e != null) {
      throw e;
    }
  }

  private void stopWork() {
    finishing = true;
    PgTools.destroy(zstd);
    PgTools.destroy(pgDump);
    Connection c = conn;
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException e) {
        log.debug("aborting the snapshot connection: {}", e.toString());
      }
    }
  }

  private void start(Runnable r, String name) {
    Thread t = new Thread(r, name + "-" + input.backupId());
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void cleanup() {
    stopWork();
    if (upload != null) {
      upload.close(); // aborts unless completed
    }
    for (Process p : new Process[] {pgDump, zstd}) {
      if (p != null) {
        try {
          p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void closeQuietly(java.io.OutputStream s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to close
    }
  }
}
