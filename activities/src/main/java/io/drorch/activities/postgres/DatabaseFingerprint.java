package io.drorch.activities.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * The fingerprint of a database copy, what an approval of its swap names: SHA-256 (lowercase hex)
 * over the lines {@code schema.table=rows} of every ordinary and partitioned table outside the
 * system schemas, sorted by name, then {@code flyway=VERSION} (the newest successful versioned
 * migration in {@code flyway_schema_history}, {@code -} without one), each line ending in
 * {@code \n}. Exact {@code count(*)}s, all in one REPEATABLE READ snapshot. Anyone can recompute it
 * ({@link #take}) right before a swap to see the copy is still the one approved.
 */
public final class DatabaseFingerprint {
  static final String FLYWAY_HISTORY = "flyway_schema_history";

  private DatabaseFingerprint() {}

  /** Row counts by {@code schema.table}, the Flyway version, and the fingerprint of both. */
  public record Snapshot(Map<String, Long> rows, String flywayVersion, String fingerprint) {}

  /**
   * Counts every table of the database {@code c} is connected to, in one read-only REPEATABLE
   * READ transaction (rolled back after). {@code progress} is called with the tables done.
   */
  public static Snapshot take(Connection c, LongConsumer progress) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    c.setReadOnly(true);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try (Statement st = c.createStatement()) {
      Map<String, String[]> tables = new TreeMap<>();
      try (ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname FROM pg_class c"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
          + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
          + " AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'")) {
        while (rs.next()) {
          tables.put(rs.getString(1) + "." + rs.getString(2),
              new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      Map<String, Long> rows = new TreeMap<>();
      long done = 0;
      String[] history = null;
      for (var e : tables.entrySet()) {
        String[] t = e.getValue();
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + Jdbc.quoteIdent(t[0]) + "."
            + Jdbc.quoteIdent(t[1]))) {
          rs.next();
          rows.put(e.getKey(), rs.getLong(1));
        }
        if (t[1].equals(FLYWAY_HISTORY) && (history == null || t[0].equals("public"))) {
          history = t;
        }
        if (progress != null) {
          progress.accept(++done);
        }
      }
      String version = null;
      if (history != null) {
        try (ResultSet rs = st.executeQuery("SELECT version FROM " + Jdbc.quoteIdent(history[0])
            + "." + Jdbc.quoteIdent(history[1]) + " WHERE success AND version IS NOT NULL"
            + " ORDER BY installed_rank DESC LIMIT 1")) {
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
