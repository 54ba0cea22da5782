package io.drorch.activities.postgres;

import io.drorch.activities.common.Heartbeats;
import io.drorch.activities.storage.BackupDownload;
import io.drorch.activities.storage.S3Clients;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.MigrateDatabaseInput;
import io.drorch.workflows.contracts.commands.RestoreDatabaseInput;
import io.drorch.workflows.contracts.commands.SwapDatabaseInput;
import io.drorch.workflows.contracts.commands.VerifyIntegrityInput;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.IntegrityResult;
import io.drorch.workflows.contracts.values.MigrateDatabaseResult;
import io.drorch.workflows.contracts.values.RestoreDatabaseResult;
import io.drorch.workflows.contracts.values.SwapDatabaseResult;
import io.drorch.workflows.postgres.PostgresRecoveryActivities;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateResult;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database recovery's side effects (see {@link PostgresRecoveryActivities}). The restore works
 * only on a NEW database; the live one is touched by {@link #swapDatabase} alone, by renames.
 *
 * <p>What the plan's {@code database.user} needs: CREATEDB (restore, swap); to own the live
 * database (renaming it); to end other sessions on it (superuser, {@code pg_signal_backend} or
 * the same role). Ownership of restored objects: when that user is a superuser the restore keeps
 * the original owners (the restored database belongs to the live database's owner, no {@code
 * --no-owner}), so the swapped-in copy is indistinguishable from the original; otherwise it
 * restores with {@code --no-owner} and everything belongs to that user (a non-superuser cannot
 * give objects away, and {@code --exit-on-error} would stop at the first {@code ALTER ... OWNER}).
 */
public final class PostgresRecoveryActivitiesImpl implements PostgresRecoveryActivities {
  private static final Logger log = LoggerFactory.getLogger(PostgresRecoveryActivitiesImpl.class);
  /** Names this activity creates or renames to: plain lowercase identifiers, at most 63 bytes. */
  static final Pattern DB_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  /** Ids used as file names in the work directory. */
  static final Pattern FILE_SAFE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");
  static final String MAINTENANCE_DB = "postgres";
  /** Set on the restored database in the swap transaction: proves a repeated swap was ours. */
  static final String SWAP_MARK = "dr-orchestrator: swapped in from ";
  static final int SWAP_ATTEMPTS = 5;
  static final String FLYWAY_HISTORY = "flyway_schema_history";

  private final DatabaseCredentials credentials;
  private final S3Clients s3;
  private final PgTools tools;

  public PostgresRecoveryActivitiesImpl(DatabaseCredentials credentials, S3Clients s3) {
    this(credentials, s3, PgTools.fromEnvironment());
  }

  PostgresRecoveryActivitiesImpl(DatabaseCredentials credentials, S3Clients s3, PgTools tools) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.tools = Objects.requireNonNull(tools, "tools");
  }

  // ---- restore -------------------------------------------------------------------------------

  /**
   * Idempotent: a retry reuses a complete verified download, restores into its own database and
   * drops those of earlier attempts that no longer run. The decompressed {@code .dump} of a zstd
   * backup is deleted afterwards; the downloaded file is kept for the retry of a failed restore
   * and deleted after a successful one ({@code dr cleanup} removes what a stopped recovery left).
   */
  @Override
  public RestoreDatabaseResult restoreFromBackup(RestoreDatabaseInput input) {
    int attempt = Heartbeats.context().map(c -> c.getInfo().getAttempt()).orElse(1);
    return restoreAttempt(input, attempt);
  }

  /**
   * Attempt {@code attempt} of a restore: into its own database {@code restoreName_a<attempt>},
   * fenced by that name's advisory lock for as long as it runs (TARGET_BUSY when another attempt
   * holds it). Databases of earlier attempts are dropped only when their lock can be taken: an
   * earlier attempt that still runs (a "zombie" whose heartbeat timed out) is never disturbed.
   */
  RestoreDatabaseResult restoreAttempt(RestoreDatabaseInput input, int attempt) {
    validateRestore(input);
    String base = input.restoreName();
    String name = attemptName(base, attempt);
    checkName("restoreName (attempt " + attempt + ")", name);
    RestoreDatabaseInput mine = new RestoreDatabaseInput(input.incidentId(), input.live(), name,
        input.storage(), input.backup(), input.workDir(), input.jobs(), input.restoreRole());
    Optional<String> password = credentials.password(input.live());
    try (AttemptFence fence = AttemptFence.take(
        Jdbc.connect(input.live().withName(MAINTENANCE_DB), password), name,
        "restore attempt " + attempt)) {
      List<String> busy = fence.dropAbandoned(base);
      if (!busy.isEmpty()) {
        log.warn("restore {}: earlier attempts still running on {}: left alone", name, busy);
      }
      return restore(mine, null, "attempt " + attempt);
    } catch (SQLException e) {
      throw restoreSqlFailure(e, input.live(), "fencing restore attempt " + name);
    }
  }

  /** {@code base_a<attempt>}: each attempt of a restore has a database of its own. */
  static String attemptName(String base, int attempt) {
    return base + "_a" + Math.max(1, attempt);
  }

  /**
   * {@link #restoreFromBackup}, with {@code createdComment} (when not null) set on the new database
   * right after {@code CREATE DATABASE}: how a scratch database carries its mark from the start.
   */
  RestoreDatabaseResult restore(RestoreDatabaseInput input, String createdComment) {
    return restore(input, createdComment, null);
  }

  private RestoreDatabaseResult restore(RestoreDatabaseInput input, String createdComment,
      String attempt) {
    validateRestore(input);
    BackupManifest m = input.backup();
    DatabaseTarget live = input.live();
    DumpCompression compression = DumpCompression.ofFormat(m.format());
    Path pgRestore = tools.pgBinary("pg_restore");
    Path zstd = compression == DumpCompression.ZSTD
        ? tools.systemBinary("zstd", DumpToStorage.ZSTD_HINT) : null;
    Optional<String> password = credentials.password(live);
    ActivityExecutionContext ctx = Heartbeats.context().orElse(null);

    Path dir = Path.of(input.workDir()).resolve(input.incidentId());
    Path file = dir.resolve(m.backupId() + compression.extension);
    // each attempt decompresses into a file of its own: a zombie never writes what this one reads
    String dumpName = m.backupId() + (attempt == null ? "" : "." + input.restoreName()) + ".dump";
    log.info("restore {}: downloading {} to {}", input.restoreName(), m.dataKey(), file);
    StepClock clock = new StepClock();
    BackupDownload.Downloaded d = BackupDownload.toFile(s3.store(input.storage()), m.dataKey(),
        m.sizeBytes(), m.sha256(), file, Heartbeats.bytesProgress());
    clock.lap("download");

    long t0 = System.nanoTime();
    Path dump = file;
    try {
      if (zstd != null) {
        dump = dir.resolve(dumpName);
        Path out = dump;
        run(List.of(zstd.toString(), "-d", "-q", "-f", file.toString(), "-o", dump.toString()),
            Optional.empty(), ctx, () -> sizeOf(out), "zstd -d of " + file);
        clock.lap("decompress");
      }
      boolean superuser;
      String liveOwner;
      try (Connection c = Jdbc.connect(live.withName(MAINTENANCE_DB), password);
          Statement st = c.createStatement()) {
        superuser = queryBoolean(st, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
        liveOwner = queryString(st, "SELECT pg_get_userbyid(datdba) FROM pg_database"
            + " WHERE datname = " + literal(live.name()));
        st.execute("DROP DATABASE IF EXISTS " + Jdbc.quoteIdent(input.restoreName())
            + " WITH (FORCE)");
        String role = input.restoreRole();
        String owner = role != null && !role.isBlank() ? " OWNER " + Jdbc.quoteIdent(role)
            : superuser && liveOwner != null ? " OWNER " + Jdbc.quoteIdent(liveOwner) : "";
        st.execute("CREATE DATABASE " + Jdbc.quoteIdent(input.restoreName()) + owner);
        if (createdComment != null) {
          st.execute("COMMENT ON DATABASE " + Jdbc.quoteIdent(input.restoreName()) + " IS "
              + literal(createdComment));
        }
      } catch (SQLException e) {
        throw restoreSqlFailure(e, live, "preparing database " + input.restoreName());
      }
      clock.lap("create-database");

      List<String> cmd = new ArrayList<>(List.of(pgRestore.toString(),
          "-j", String.valueOf(Math.max(1, input.jobs())), "--exit-on-error", "--no-password"));
      if (input.restoreRole() != null && !input.restoreRole().isBlank()) {
        // a tampered dump runs with this role's rights only, and owns nothing else
        cmd.add("--no-owner");
        cmd.add("--role=" + input.restoreRole());
      } else if (!superuser) {
        cmd.add("--no-owner");
      }
      cmd.addAll(PgTools.connectionArgs(live));
      cmd.add("-d");
      cmd.add(input.restoreName());
      cmd.add(dump.toString());
      log.info("restore {}: pg_restore -j {} {} (keep owners: {})", input.restoreName(),
          input.jobs(), dump, superuser);
      DatabaseTarget restored = live.withName(input.restoreName());
      try (SizeProbe probe = new SizeProbe(live, password, input.restoreName())) {
        run(cmd, password, ctx, probe::size, "pg_restore into " + input.restoreName());
      }
      clock.lap("pg_restore");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      log.info("restore {}: done in {} ms ({} bytes downloaded, reused: {}; steps {})",
          restored.name(), ms, d.sizeBytes(), d.reused(), clock.millis());
      deleteQuietly(file); // used: a download is kept only for the retry of a failed restore
      return new RestoreDatabaseResult(input.restoreName(), m.backupId(),
          d.reused() ? 0 : d.sizeBytes(), d.sha256(), ms, clock.millis());
    } finally {
      if (dump != file) {
        deleteQuietly(dump);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", p, e.toString());
    }
  }

  private static void run(List<String> cmd, Optional<String> password, ActivityExecutionContext ctx,
      java.util.function.LongSupplier progress, String what) {
    SupervisedProcess.Exit exit;
    try {
      exit = SupervisedProcess.run(cmd, Map.of(), password, ctx, progress);
    } catch (IOException e) {
      throw DrError.TOOL_MISSING.failure("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
    }
    if (exit.code() != 0) {
      String stderr = exit.stderr().isEmpty() ? "(no message)" : exit.stderr();
      String lower = stderr.toLowerCase(Locale.ROOT);
      DrError type = lower.contains("password authentication failed")
          || lower.contains("permission denied") || lower.contains("must be owner")
          ? DrError.DATABASE_AUTH : DrError.RESTORE_FAILED;
      throw type.failure(what + " failed with exit code " + exit.code() + ": " + stderr);
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  /** pg_database_size of the database being restored: the heartbeat while pg_restore runs. */
  private static final class SizeProbe implements AutoCloseable {
    private final Connection conn;
    private final String name;
    private long last;

    SizeProbe(DatabaseTarget live, Optional<String> password, String name) {
      this.conn = Jdbc.connect(live.withName(MAINTENANCE_DB), password);
      this.name = name;
    }

    synchronized long size() {
      try (PreparedStatement ps = conn.prepareStatement("SELECT pg_database_size(?)")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            last = rs.getLong(1);
          }
        }
      } catch (SQLException e) {
        // progress only: keep the last value
      }
      return last;
    }

    @Override
    public synchronized void close() {
      try {
        conn.close();
      } catch (SQLException ignored) {
        // closing
      }
    }
  }

  private static void validateRestore(RestoreDatabaseInput in) {
    if (in == null || in.live() == null || in.storage() == null || in.backup() == null
        || in.workDir() == null || in.workDir().isBlank()) {
      throw DrError.BAD_INPUT.failure(
          "restoreFromBackup needs live, storage, backup (manifest) and workDir");
    }
    validateServer(in.live());
    checkName("restoreName", in.restoreName());
    if (in.restoreName().equals(in.live().name())) {
      throw DrError.BAD_INPUT.failure("restoreName '" + in.restoreName()
          + "' is the live database's name: a restore always goes into a NEW database");
    }
    checkFileSafe("incidentId", in.incidentId());
    BackupManifest m = in.backup();
    checkFileSafe("backup id", m.backupId());
    if (m.dataKey() == null || m.sha256() == null || m.sizeBytes() < 0) {
      throw DrError.BAD_INPUT.failure("the manifest of " + m.backupId()
          + " lacks dataKey, sha256 or sizeBytes");
    }
    String ext = DumpCompression.ofFormat(m.format()).extension;
    if (!m.dataKey().endsWith(ext)) {
      throw DrError.BAD_INPUT.failure("data key " + m.dataKey() + " does not end in " + ext
          + " as format '" + m.format() + "' requires");
    }
  }

  // ---- migrations ----------------------------------------------------------------------------

  /**
   * Idempotent: Flyway applies only what is pending. {@code location} is one Flyway location or
   * several separated by commas (Flyway's own {@code flyway.locations} syntax), e.g. {@code
   * filesystem:db/migration,filesystem:db/pending}: Flyway must see every migration already applied
   * as well as the pending ones, or it refuses them as "applied but missing". Relative {@code
   * filesystem:} paths are relative to the worker's working directory.
   */
  @Override
  public MigrateDatabaseResult applyMigrations(MigrateDatabaseInput input) {
    if (input == null || input.database() == null) {
      throw DrError.BAD_INPUT.failure("applyMigrations needs the restored database");
    }
    DatabaseTarget db = input.database();
    validateServer(db);
    Optional<String> password = credentials.password(db);
    if (input.location() == null || input.location().isBlank()) {
      String v = currentVersion(flyway(db, password, null));
      return new MigrateDatabaseResult(v, v, List.of());
    }
    String[] locations = locations(input.location());
    Flyway flyway = flyway(db, password, locations);
    String before = currentVersion(flyway);
    MigrateResult r;
    try {
      r = flyway.migrate();
    } catch (FlywayException e) {
      throw flywayFailure(e, db, DrError.MIGRATION_FAILED,
          "Flyway migrate of database '" + db.name() + "' from " + input.location() + " failed");
    }
    List<String> applied = new ArrayList<>();
    if (r.migrations != null) {
      for (MigrateOutput o : r.migrations) {
        applied.add(o.version == null || o.version.isEmpty() ? o.description : o.version);
      }
    }
    String after = currentVersion(flyway);
    log.info("migrated {} from {} to {}: {}", db.name(), before, after, applied);
    return new MigrateDatabaseResult(before, after, List.copyOf(applied));
  }

  static String[] locations(String location) {
    List<String> out = new ArrayList<>();
    for (String l : location.split(",")) {
      String s = l.strip();
      if (s.isEmpty()) {
        continue;
      }
      if (s.startsWith("filesystem:")) {
        Path dir = Path.of(s.substring("filesystem:".length()));
        if (!Files.isDirectory(dir)) {
          throw DrError.BAD_INPUT.failure("Flyway location '" + s + "' does not exist: no"
              + " directory " + dir.toAbsolutePath() + " on the worker (relative paths are"
              + " relative to the worker's working directory " + Path.of("").toAbsolutePath()
              + "). Fix database.migrations in dr-plan.yaml.");
        }
      }
      out.add(s);
    }
    if (out.isEmpty()) {
      throw DrError.BAD_INPUT.failure("no Flyway location in '" + location + "'");
    }
    return out.toArray(String[]::new);
  }

  private static Flyway flyway(DatabaseTarget db, Optional<String> password, String[] locations) {
    var cfg = Flyway.configure().dataSource(dataSource(db, password)).connectRetries(0);
    if (locations != null) {
      cfg.locations(locations);
    }
    return cfg.load();
  }

  private static DataSource dataSource(DatabaseTarget db, Optional<String> password) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(Jdbc.url(db));
    if (db.user() != null && !db.user().isBlank()) {
      ds.setUser(db.user());
    }
    password.ifPresent(ds::setPassword);
    ds.setConnectTimeout(Jdbc.CONNECT_TIMEOUT_SECONDS);
    ds.setApplicationName("dr-orchestrator");
    return ds;
  }

  private static String currentVersion(Flyway flyway) {
    try {
      MigrationInfo cur = flyway.info().current();
      return cur == null || cur.getVersion() == null ? null : cur.getVersion().getVersion();
    } catch (FlywayException e) {
      throw flywayFailure(e, null, DrError.INTEGRITY_FAILED, "Flyway info failed");
    }
  }

  private static RuntimeException flywayFailure(FlywayException e, DatabaseTarget db,
      DrError type, String what) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof SQLException sql && db != null) {
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("28") || state.equals("3D000")) {
          return Jdbc.classify(sql, db);
        }
      }
    }
    return type.failure(what + ": " + e.getMessage(), e);
  }

  // ---- integrity -----------------------------------------------------------------------------

  /**
   * Read-only; never throws for a failed check (it is a problem in the result). Row counts are
   * exact {@code count(*)} of every table in one REPEATABLE READ snapshot, which also gives the
   * copy's {@link DatabaseFingerprint}, counted on up to {@code jobs} connections at once, largest
   * tables first: the first connection exports its snapshot and the others import it
   * ({@code SET TRANSACTION SNAPSHOT}), so every count sees exactly the same data as one serial
   * pass would. Flyway's {@code flyway_schema_history} may hold more rows than the manifest (the
   * migrations applied since add theirs). Each SQL check runs in its own read-only transaction so
   * one failing check cannot hide the others. Flyway validate runs on its own connection meanwhile
   * (it reads the migration files and the history table, nothing the counts depend on).
   */
  @Override
  public IntegrityResult verifyIntegrity(VerifyIntegrityInput input) {
    if (input == null || input.database() == null) {
      throw DrError.BAD_INPUT.failure("verifyIntegrity needs the restored database");
    }
    DatabaseTarget db = input.database();
    validateServer(db);
    Optional<String> password = credentials.password(db);
    boolean close = Boolean.TRUE.equals(input.closeAfter());
    if (close) {
      openTo(db, password, false); // an earlier round closed it
    }
    IntegrityResult r = verify(input, db, password);
    if (close) {
      closeToConnections(db, password);
    }
    return r;
  }

  /**
   * Closes the restored database to connections until the swap: CONNECT revoked from PUBLIC,
   * ALLOW_CONNECTIONS false, every session ended. Nothing (the application's role included) can
   * change it between its verification and the swap, which re-verifies it.
   */
  static void closeToConnections(DatabaseTarget db, Optional<String> password) {
    try (Connection c = Jdbc.connect(db.withName(MAINTENANCE_DB), password);
        Statement st = c.createStatement()) {
      String q = Jdbc.quoteIdent(db.name());
      st.execute("REVOKE CONNECT ON DATABASE " + q + " FROM PUBLIC");
      st.execute("ALTER DATABASE " + q + " ALLOW_CONNECTIONS false");
      terminate(c, db.name());
      log.info("{} closed to connections until the swap", db.name());
    } catch (SQLException e) {
      throw restoreSqlFailure(e, db, "closing " + db.name() + " to connections");
    }
  }

  /**
   * Lets connections into {@code db} again: only its owner and superusers while {@code public}
   * is false (CONNECT stays revoked from PUBLIC), everyone as before when true (after the swap).
   */
  static void openTo(DatabaseTarget db, Optional<String> password, boolean everyone) {
    try (Connection c = Jdbc.connect(db.withName(MAINTENANCE_DB), password);
        Statement st = c.createStatement()) {
      open(st, db.name(), everyone);
    } catch (SQLException e) {
      throw restoreSqlFailure(e, db, "opening " + db.name() + " to connections");
    }
  }

  private static void open(Statement st, String name, boolean everyone) throws SQLException {
    String q = Jdbc.quoteIdent(name);
    st.execute("ALTER DATABASE " + q + " ALLOW_CONNECTIONS true");
    if (everyone) {
      st.execute("GRANT CONNECT ON DATABASE " + q + " TO PUBLIC");
    }
  }

  private IntegrityResult verify(VerifyIntegrityInput input, DatabaseTarget db,
      Optional<String> password) {
    LongConsumer progress = Heartbeats.bytesProgress();
    List<String> problems = new ArrayList<>();
    Map<String, Long> found = new TreeMap<>();
    StepClock clock = new StepClock();
    int checks = 0;
    String fingerprint;
    boolean validate = input.migrations() != null && !input.migrations().isBlank();
    java.util.concurrent.FutureTask<String> flyway = new java.util.concurrent.FutureTask<>(() -> {
      long t = System.nanoTime();
      try {
        return flywayValidate(db, password, input.migrations());
      } finally {
        clock.put("flyway-validate", (System.nanoTime() - t) / 1_000_000);
      }
    });
    if (validate) {
      Thread t = new Thread(flyway, "flyway-validate-" + db.name());
      t.setDaemon(true);
      t.start();
    }
    try {
      try (Connection c = Jdbc.connect(db, password)) {
        Map<String, Long> expected = input.expectedRowCounts() == null ? Map.of()
            : new TreeMap<>(input.expectedRowCounts());
        // every table, in one snapshot: the manifest's are compared, all make the fingerprint
        int jobs = input.jobs() == null ? 1 : Math.max(1, input.jobs());
        DatabaseFingerprint.Snapshot snapshot =
            DatabaseFingerprint.take(c, db, password, jobs, progress);
        fingerprint = snapshot.fingerprint();
        RowCounter.compare(expected, snapshot.rows(), found, problems);
        clock.lap("counts");
        c.setAutoCommit(false);
        c.setReadOnly(true);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        for (String sql : input.sqlChecks() == null ? List.<String>of() : input.sqlChecks()) {
          checks++;
          String problem = runCheck(c, sql);
          if (problem != null) {
            problems.add(problem);
          }
        }
        c.rollback();
        clock.lap("sql-checks");
      } catch (SQLException e) {
        throw DrError.INTEGRITY_FAILED.failure("Checking database '" + db.name() + "' failed: "
            + Jdbc.firstLine(e.getMessage()), e);
      }
      if (validate) {
        checks++;
        String problem = flyway.get();
        if (problem != null) {
          problems.add(problem);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DrError.INTEGRITY_FAILED.failure("interrupted while checking " + db.name(), e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw DrError.INTEGRITY_FAILED.failure("Flyway validate of '" + db.name() + "' failed: "
          + e.getCause(), e.getCause());
    } finally {
      flyway.cancel(false);
    }
    return new IntegrityResult(problems.isEmpty(), List.copyOf(problems),
        new LinkedHashMap<>(found), checks, fingerprint, clock.millis());
  }

  /** Null when the check returned exactly one row holding a single true, else the problem. */
  static String runCheck(Connection c, String sql) throws SQLException {
    String label = "check `" + (sql == null ? "" : sql.strip()) + "`";
    if (sql == null || sql.isBlank()) {
      return label + ": empty query";
    }
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      if (rs.getMetaData().getColumnCount() != 1) {
        return label + ": returned " + rs.getMetaData().getColumnCount()
            + " columns, expected a single boolean";
      }
      if (!rs.next()) {
        return label + ": returned no row, expected one row with true";
      }
      Object v = rs.getObject(1);
      if (rs.next()) {
        return label + ": returned more than one row, expected one row with true";
      }
      if (!Boolean.TRUE.equals(v)) {
        return label + ": returned " + v + ", expected true";
      }
      return null;
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.startsWith("08")) {
        throw e;
      }
      return label + ": failed: " + Jdbc.firstLine(e.getMessage());
    } finally {
      c.rollback();
    }
  }

  private static String flywayValidate(DatabaseTarget db, Optional<String> password,
      String location) {
    String[] locations;
    try {
      locations = locations(location);
    } catch (RuntimeException e) {
      return "Flyway validate: " + messageOf(e);
    }
    try {
      ValidateResult r = flyway(db, password, locations).validateWithResult();
      return r.validationSuccessful ? null
          : "Flyway validate against " + location + ": " + r.getAllErrorMessages();
    } catch (FlywayException e) {
      return "Flyway validate against " + location + " failed: " + e.getMessage();
    }
  }

  private static String messageOf(RuntimeException e) {
    return e instanceof ApplicationFailure af ? af.getOriginalMessage()
        : e.getMessage();
  }

  // ---- swap ----------------------------------------------------------------------------------

  /**
   * Idempotent by state, on the maintenance database {@code postgres}:
   *
   * <ul>
   *   <li>{@code restoreName} exists: end the other sessions on it and on the live database, then
   *       in ONE transaction mark it (a database comment), rename live → {@code keepAs} (when live
   *       exists; SWAP_CONFLICT when {@code keepAs} is taken too) and {@code restoreName} → live.
   *       Renames are transactional in PostgreSQL: either both happen or neither. A session that
   *       reconnects in between makes the rename fail with "being accessed": ended and retried.
   *   <li>{@code restoreName} is gone and live carries our mark for it: already swapped, the same
   *       result again.
   *   <li>otherwise: BAD_INPUT naming what is missing.
   * </ul>
   */
  @Override
  public SwapDatabaseResult swapDatabase(SwapDatabaseInput input) {
    if (input == null || input.live() == null) {
      throw DrError.BAD_INPUT.failure("swapDatabase needs live, restoreName and keepAs");
    }
    DatabaseTarget live = input.live();
    validateServer(live);
    String liveName = live.name();
    if (liveName.length() > 63 || MAINTENANCE_DB.equals(liveName)) {
      throw DrError.BAD_INPUT.failure("live database name '" + liveName + "' cannot be swapped"
          + " (longer than 63 bytes, or the maintenance database)");
    }
    checkName("restoreName", input.restoreName());
    checkName("keepAs", input.keepAs());
    if (input.restoreName().equals(input.keepAs()) || input.restoreName().equals(liveName)
        || input.keepAs().equals(liveName)) {
      throw DrError.BAD_INPUT.failure("live '" + liveName + "', restoreName '"
          + input.restoreName() + "' and keepAs '" + input.keepAs() + "' must all differ");
    }
    String mark = SWAP_MARK + input.restoreName();
    Optional<String> password = credentials.password(live);
    try (Connection c = Jdbc.connect(live.withName(MAINTENANCE_DB), password);
        AttemptFence fence = AttemptFence.take(
            Jdbc.connect(live.withName(MAINTENANCE_DB), password), "swap:" + liveName,
            "a swap into " + liveName)) {
      for (int attempt = 1; ; attempt++) {
        c.setAutoCommit(true);
        boolean restoreExists = exists(c, input.restoreName());
        boolean liveExists = exists(c, liveName);
        boolean keepExists = exists(c, input.keepAs());
        if (!restoreExists) {
          if (liveExists && mark.equals(comment(c, liveName))) {
            log.info("swap: {} already swapped in as {}", input.restoreName(), liveName);
            return new SwapDatabaseResult(liveName, keepExists ? input.keepAs() : null);
          }
          throw DrError.BAD_INPUT.failure("Cannot swap: the restored database '"
              + input.restoreName() + "' does not exist" + (liveExists
                  ? " and the live database '" + liveName + "' was not swapped in from it"
                  : " and neither does the live database '" + liveName + "'")
              + ". Restore first (restoreFromBackup).");
        }
        if (liveExists && keepExists) {
          throw DrError.SWAP_CONFLICT.failure("Cannot keep the live database '" + liveName
              + "' as '" + input.keepAs() + "': a database with that name already exists."
              + " Drop or rename it (after checking it is not needed), then retry.");
        }
        if (input.expectedFingerprint() != null) {
          reverify(live, input.restoreName(), input.expectedFingerprint(), password);
        }
        terminate(c, liveName);
        terminate(c, input.restoreName());
        try {
          c.setAutoCommit(false);
          try (Statement st = c.createStatement()) {
            st.execute("COMMENT ON DATABASE " + Jdbc.quoteIdent(input.restoreName()) + " IS "
                + literal(mark));
            open(st, input.restoreName(), true); // it becomes the live database
            if (liveExists) {
              st.execute("ALTER DATABASE " + Jdbc.quoteIdent(liveName) + " RENAME TO "
                  + Jdbc.quoteIdent(input.keepAs()));
            }
            st.execute("ALTER DATABASE " + Jdbc.quoteIdent(input.restoreName()) + " RENAME TO "
                + Jdbc.quoteIdent(liveName));
          }
          c.commit();
          log.info("swap: {} is now {}{}", input.restoreName(), liveName,
              liveExists ? ", previous kept as " + input.keepAs() : " (there was no live one)");
          return new SwapDatabaseResult(liveName, liveExists ? input.keepAs() : null);
        } catch (SQLException e) {
          c.rollback();
          if ("55006".equals(e.getSQLState()) && attempt < SWAP_ATTEMPTS) {
            log.info("swap: a session reconnected ({}); ending it and retrying", e.getMessage());
            sleep(200L * attempt);
            continue;
          }
          throw e;
        }
      }
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.equals("42501")) {
        throw DrError.DATABASE_AUTH.failure("Swapping '" + input.restoreName() + "' in as '"
            + liveName + "': " + Jdbc.firstLine(e.getMessage()) + ". database.user must own both"
            + " databases and have CREATEDB.", e);
      }
      if (state.equals("55006")) {
        throw DrError.RESTORE_FAILED.failure("Swapping '" + input.restoreName() + "' in as '"
            + liveName + "': sessions keep reconnecting (" + Jdbc.firstLine(e.getMessage())
            + "). Stop the application, then retry.", e);
      }
      throw Jdbc.classify(e, live.withName(MAINTENANCE_DB));
    }
  }

  /**
   * The restored database's fingerprint, taken now (owner/superuser only: CONNECT stays revoked),
   * must be the one its approval was bound to; else it is closed again and COPY_CHANGED thrown.
   */
  private static void reverify(DatabaseTarget live, String restoreName, String expected,
      Optional<String> password) {
    DatabaseTarget restored = live.withName(restoreName);
    openTo(restored, password, false);
    String now;
    try (Connection c = Jdbc.connect(restored, password)) {
      now = DatabaseFingerprint.take(c, Heartbeats.bytesProgress()).fingerprint();
    } catch (SQLException e) {
      throw DrError.INTEGRITY_FAILED.failure("Re-verifying '" + restoreName + "' before the swap"
          + " failed: " + Jdbc.firstLine(e.getMessage()), e);
    }
    if (!expected.equals(now)) {
      closeToConnections(restored, password);
      throw DrError.COPY_CHANGED.failure("The restored database '" + restoreName + "' changed"
          + " after it was verified and approved (fingerprint " + expected + " then, " + now
          + " now): not swapped, the live database untouched. It is restored and verified"
          + " again, and the approvers are asked again.");
    }
    log.info("swap: {} re-verified (fingerprint {})", restoreName, now);
  }

  static boolean exists(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static String comment(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT shobj_description(oid, 'pg_database')"
        + " FROM pg_database WHERE datname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  static void terminate(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid))"
        + " FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          log.info("swap: ended {} session(s) on {}", rs.getLong(1), name);
        }
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- shared --------------------------------------------------------------------------------

  static void validateServer(DatabaseTarget db) {
    if (db.host() == null || db.host().isBlank() || db.name() == null || db.name().isBlank()
        || db.port() <= 0 || db.port() > 65535) {
      throw DrError.BAD_INPUT.failure("database host, port (1-65535) and name must be set"
          + " (got host=" + db.host() + ", port=" + db.port() + ", name=" + db.name() + ")");
    }
  }

  static void checkName(String what, String name) {
    if (name == null || !DB_NAME.matcher(name).matches() || MAINTENANCE_DB.equals(name)
        || name.startsWith("template")) {
      throw DrError.BAD_INPUT.failure(what + " '" + name + "' is not a usable database name:"
          + " use lowercase letters, digits and underscores, at most 63 characters, starting"
          + " with a letter or underscore (e.g. ai_docs_restore_inc_42)");
    }
  }

  private static void checkFileSafe(String what, String value) {
    if (value == null || !FILE_SAFE.matcher(value).matches() || value.contains("..")) {
      throw DrError.BAD_INPUT.failure(what + " '" + value + "' must be letters, digits, '.', '_'"
          + " or '-' (it names a file in the work directory)");
    }
  }

  static ApplicationFailure restoreSqlFailure(SQLException e,
      DatabaseTarget live, String what) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals("42501")) {
      return DrError.DATABASE_AUTH.failure(what + ": " + Jdbc.firstLine(e.getMessage())
          + ". database.user needs CREATEDB (and ownership of a leftover restore database).", e);
    }
    if (state.startsWith("08") || state.startsWith("28") || state.equals("3D000")) {
      return Jdbc.classify(e, live.withName(MAINTENANCE_DB));
    }
    return DrError.RESTORE_FAILED.failure(what + ": " + Jdbc.firstLine(e.getMessage()), e);
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static boolean queryBoolean(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private static String queryString(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
