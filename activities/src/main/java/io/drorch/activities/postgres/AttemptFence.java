package io.drorch.activities.postgres;

import io.drorch.workflows.common.DrError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing between attempts of one activity, with PostgreSQL session advisory locks: an attempt
 * holds the lock named after the database it works on for as long as it runs (its session lives
 * as long as the attempt's process; kill -9 or a lost host ends it, and the lock with it).
 *
 * <p>Each restore attempt works on its own database ({@code <name>_a<attempt>}); a later attempt
 * drops what an earlier one left only after taking that attempt's lock, so it never deletes a
 * database that an earlier, possibly still running ("zombie") attempt is writing. A target whose
 * lock is held gives {@link DrError#TARGET_BUSY} (retried): the attempt gives way.
 */
final class AttemptFence implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AttemptFence.class);
  /** Locks taken for restores and swaps are named {@code dr-orchestrator:<database>}. */
  static final String PREFIX = "dr-orchestrator:";

  private final Connection session;
  private final String name;

  private AttemptFence(Connection session, String name) {
    this.session = session;
    this.name = name;
  }

  /**
   * Takes the lock of {@code name} on {@code session} (which the fence owns and closes), or throws
   * TARGET_BUSY naming {@code what} when another session holds it.
   */
  static AttemptFence take(Connection session, String name, String what) throws SQLException {
    if (!tryLock(session, name)) {
      try {
        session.close();
      } catch (SQLException ignored) {
        // the refusal matters more
      }
      throw DrError.TARGET_BUSY.failure("'" + name + "' is in use by another attempt that is"
          + " still running (" + what + "): this attempt gives way and is retried; the other"
          + " one is never disturbed. If no worker runs it any more, its session ends with its"
          + " process and the next attempt proceeds.");
    }
    return new AttemptFence(session, name);
  }

  static boolean tryLock(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
      ps.setString(1, PREFIX + name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  static void unlock(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
      ps.setString(1, PREFIX + name);
      ps.execute();
    }
  }

  /**
   * Drops the databases of earlier attempts ({@code base_a<N>} except {@code keep}) whose owner is
   * gone (their lock can be taken); those still locked are left alone and listed.
   *
   * @return the databases left because an attempt still holds them
   */
  static List<String> dropAbandoned(Connection c, String base, String keep) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT datname FROM pg_database WHERE datname ~ ? ORDER BY datname")) {
      ps.setString(1, "^" + base + "_a[0-9]+$"); // base is [a-z0-9_]: no pattern characters
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    List<String> busy = new ArrayList<>();
    for (String other : names) {
      if (other.equals(keep) || !other.startsWith(base + "_a")) {
        continue;
      }
      if (!tryLock(c, other)) {
        log.info("{} is held by an attempt still running: left alone", other);
        busy.add(other);
        continue;
      }
      try (Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + Jdbc.quoteIdent(other) + " WITH (FORCE)");
        log.info("dropped {}, left by an earlier attempt that no longer runs", other);
      } finally {
        unlock(c, other);
      }
    }
    return busy;
  }

  /** {@link #dropAbandoned(Connection, String, String)} on this fence's session. */
  List<String> dropAbandoned(String base) throws SQLException {
    return dropAbandoned(session, base, name);
  }

  String name() {
    return name;
  }

  @Override
  public void close() {
    try {
      session.close(); // ends the session: the lock goes with it
    } catch (SQLException e) {
      log.debug("closing the fence of {}: {}", name, e.toString());
    }
  }
}
