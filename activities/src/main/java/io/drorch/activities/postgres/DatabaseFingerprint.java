package io.drorch.activities.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * The fingerprint of a database copy, what an approval of its swap names: SHA-256 (lowercase hex)
 * over the lines {@code schema.table=rows} of every ordinary and partitioned table outside the
 * system schemas, sorted by name, then {@code flyway=VERSION} (the newest successful versioned
 * migration in {@code flyway_schema_history}, {@code -} without one), each line ending in
 * {@code \n}. Exact {@code count(*)}s, all in one REPEATABLE READ snapshot (shared by the
 * connections that count in parallel). Anyone can recompute it
 * ({@link #take}) right before a swap to see the copy is still the one approved.
 */
public final class DatabaseFingerprint {
  static final String FLYWAY_HISTORY = PostgresRecoveryActivitiesImpl.FLYWAY_HISTORY;

  private DatabaseFingerprint() {}

  /** Row counts by {@code schema.table}, the Flyway version, and the fingerprint of both. */
  public record Snapshot(Map<String, Long> rows, String flywayVersion, String fingerprint) {}

  /** Counts every table on {@code c} alone ({@link #take(Connection, DatabaseTarget, Optional, int, LongConsumer)}). */
  public static Snapshot take(Connection c, LongConsumer progress) throws SQLException {
    return take(c, null, Optional.empty(), 1, progress);
  }

  /**
   * Counts every table of the database {@code c} is connected to, in one read-only REPEATABLE
   * READ transaction of {@code c} (rolled back after), on up to {@code jobs} connections that
   * share its snapshot ({@link RowCounter}; {@code db} and {@code password} open the others).
   * {@code progress} (may be null) is called with the tables done.
   */
  static Snapshot take(Connection c, DatabaseTarget db, Optional<String> password, int jobs,
      LongConsumer progress) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    c.setReadOnly(true);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try (Statement st = c.createStatement()) {
      Map<String, RowCounter.Table> tables = RowCounter.tables(st);
      Map<String, Long> rows = RowCounter.count(c, db, password, tables.values(),
          db == null ? 1 : jobs, progress);
      RowCounter.Table history = null;
      for (RowCounter.Table t : tables.values()) {
        if (t.name().equals(FLYWAY_HISTORY) && (history == null || t.schema().equals("public"))) {
          history = t;
        }
      }
      String version = null;
      if (history != null) {
        try (ResultSet rs = st.executeQuery("SELECT version FROM "
            + Jdbc.quoteIdent(history.schema()) + "." + Jdbc.quoteIdent(history.name())
            + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
          version = rs.next() ? rs.getString(1) : null;
        }
      }
      return new Snapshot(rows, version, fingerprint(rows, version));
    } finally {
      c.rollback();
      c.setAutoCommit(autoCommit);
    }
  }

  /** The fingerprint of these counts and Flyway version (the format above). */
  public static String fingerprint(Map<String, Long> rows, String flywayVersion) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(rows).forEach((t, n) -> text.append(t).append('=').append(n).append('\n'));
    text.append("flyway=").append(flywayVersion == null ? "-" : flywayVersion).append('\n');
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
