package io.drorch.activities.postgres;

import io.drorch.activities.storage.S3Clients;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.RestoreDatabaseInput;
import io.drorch.workflows.contracts.commands.RestoreTestInput;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.values.TableRows;
import io.drorch.workflows.restoretest.ScratchTargets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore test's scratch database: checked with {@link ScratchTargets} (never the live database,
 * never an existing database without our mark), restored by the recovery's own restore (download,
 * SHA-256 check, {@code pg_restore}) into a database created with the scratch mark as its comment,
 * then counted table by table. Dropped only when it carries the mark.
 */
public final class ScratchDatabase {
  private static final Logger log = LoggerFactory.getLogger(ScratchDatabase.class);

  private final DatabaseCredentials credentials;
  private final PostgresRecoveryActivitiesImpl restore;

  public ScratchDatabase(DatabaseCredentials credentials, S3Clients s3) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.restore = new PostgresRecoveryActivitiesImpl(credentials, s3);
  }

  /**
   * Restores the backup into {@code in.scratch()} and compares every table's exact row count with
   * the manifest: one entry per table of either side, sorted by name. Throws the restore's
   * failures (CHECKSUM_MISMATCH, BACKUP_NOT_FOUND, RESTORE_FAILED, …) and SCRATCH_REFUSED.
   */
  public List<TableRows> restoreAndCount(RestoreTestInput in) {
    DatabaseTarget live = in.liveDatabase();
    PostgresRecoveryActivitiesImpl.validateServer(live);
    String scratch = in.scratch();
    refuseUnlessSafe(live, scratch);
    restore.restore(new RestoreDatabaseInput(in.testId(), live, scratch, in.storage(), in.backup(),
        in.workDir(), in.jobs()), ScratchTargets.databaseMark(in.testId()));
    return count(live.withName(scratch), in.backup().database().rowCounts());
  }

  /**
   * Drops the scratch database when it exists and carries our mark (FORCE: ends its sessions).
   *
   * @return false when there is no such database (already dropped)
   */
  public boolean drop(DatabaseTarget live, String scratch) {
    PostgresRecoveryActivitiesImpl.validateServer(live);
    refuse(ScratchTargets.databaseRefusal(live.name(), scratch));
    Optional<String> password = credentials.password(live);
    DatabaseTarget maintenance = live.withName(PostgresRecoveryActivitiesImpl.MAINTENANCE_DB);
    try (Connection c = Jdbc.connect(maintenance, password); Statement st = c.createStatement()) {
      boolean exists = PostgresRecoveryActivitiesImpl.exists(c, scratch);
      if (!exists) {
        return false;
      }
      refuse(ScratchTargets.existingDatabaseRefusal(scratch, true,
          PostgresRecoveryActivitiesImpl.comment(c, scratch)));
      st.execute("DROP DATABASE IF EXISTS " + Jdbc.quoteIdent(scratch) + " WITH (FORCE)");
      log.info("dropped scratch database {}", scratch);
      return true;
    } catch (SQLException e) {
      throw PostgresRecoveryActivitiesImpl.restoreSqlFailure(e, live,
          "dropping scratch database " + scratch);
    }
  }

  private void refuseUnlessSafe(DatabaseTarget live, String scratch) {
    refuse(ScratchTargets.databaseRefusal(live.name(), scratch));
    Optional<String> password = credentials.password(live);
    DatabaseTarget maintenance = live.withName(PostgresRecoveryActivitiesImpl.MAINTENANCE_DB);
    try (Connection c = Jdbc.connect(maintenance, password)) {
      boolean exists = PostgresRecoveryActivitiesImpl.exists(c, scratch);
      refuse(ScratchTargets.existingDatabaseRefusal(scratch, exists,
          exists ? PostgresRecoveryActivitiesImpl.comment(c, scratch) : null));
    } catch (SQLException e) {
      throw PostgresRecoveryActivitiesImpl.restoreSqlFailure(e, live,
          "checking scratch database " + scratch);
    }
  }

  private static void refuse(String why) {
    if (why != null) {
      throw DrError.SCRATCH_REFUSED.failure("Refused: " + why + ". Nothing was touched.");
    }
  }

  /**
   * Every table of the manifest and of the restored copy (the same tables a backup counts), in
   * one read-only snapshot.
   */
  private List<TableRows> count(DatabaseTarget db, Map<String, Long> manifest) {
    Map<String, Long> expected = manifest == null ? Map.of() : new TreeMap<>(manifest);
    List<TableRows> out = new ArrayList<>();
    try (Connection c = Jdbc.connect(db, credentials.password(db))) {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement st = c.createStatement()) {
        // the tables a backup counts (DumpToStorage): ordinary tables outside the system schemas
        Map<String, String[]> tables = new TreeMap<>();
        for (String[] t : DumpToStorage.tables(st)) {
          tables.put(t[0] + "." + t[1], t);
        }
        TreeSet<String> names = new TreeSet<>(expected.keySet());
        names.addAll(tables.keySet());
        for (String name : names) {
          String[] t = tables.get(name);
          Long restored = null;
          if (t != null) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + Jdbc.quoteIdent(t[0])
                + "." + Jdbc.quoteIdent(t[1]))) {
              rs.next();
              restored = rs.getLong(1);
            }
          }
          out.add(new TableRows(name, expected.get(name), restored));
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw DrError.INTEGRITY_FAILED.failure("Counting the rows of scratch database '" + db.name()
          + "' failed: " + Jdbc.firstLine(e.getMessage()), e);
    }
    return out;
  }
}
