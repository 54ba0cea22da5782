package io.drorch.activities.postgres;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Exact row counts of a restored database against a manifest's, on up to {@code jobs} connections
 * in ONE snapshot: the first connection opens a REPEATABLE READ READ ONLY transaction and exports
 * its snapshot, every other connection imports it before its first query. Each connection takes
 * the next table from a queue ordered largest first (so the big ones start at once and the small
 * ones fill the gaps). The counts are therefore exactly those of one serial pass in that
 * snapshot; only the wall time differs.
 */
final class RowCounter {
  /** A table of the restored database: its manifest key, schema, name and heap size. */
  record Table(String key, String schema, String name, long bytes) {}

  private RowCounter() {}

  /**
   * Counts the tables named in {@code expected} and adds what differs to {@code problems} (in the
   * manifest's key order), the counts to {@code found}.
   *
   * @param leader an open connection to the restored database (left in auto-commit off, rolled
   *     back)
   * @throws SQLException the first failure of any connection
   */
  static void count(Connection leader, DatabaseTarget db, Optional<String> password,
      Map<String, Long> expected, int jobs, LongConsumer progress, Map<String, Long> found,
      List<String> problems) throws SQLException {
    leader.setAutoCommit(false);
    leader.setReadOnly(true);
    leader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    Map<String, Long> counted = new ConcurrentHashMap<>();
    Map<String, Table> tables;
    try (Statement st = leader.createStatement()) {
      tables = tables(st);
      List<Table> work = new ArrayList<>();
      for (String key : new TreeMap<>(expected).keySet()) {
        Table t = tables.get(key);
        if (t != null) {
          work.add(t);
        }
      }
      work.sort(Comparator.comparingLong(Table::bytes).reversed()
          .thenComparing(Table::key));
      ConcurrentLinkedQueue<Table> queue = new ConcurrentLinkedQueue<>(work);
      int helpers = Math.min(jobs, work.size()) - 1;
      AtomicLong done = new AtomicLong();
      LongConsumer beat = n -> {
        synchronized (progress) {
          progress.accept(n);
        }
      };
      if (helpers <= 0) {
        drain(leader, queue, counted, done, beat);
      } else {
        String snapshot;
        try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
          rs.next();
          snapshot = rs.getString(1);
        }
        ExecutorService pool = Executors.newFixedThreadPool(helpers, r -> {
          Thread t = new Thread(r, "row-count-" + db.name());
          t.setDaemon(true);
          return t;
        });
        try {
          List<Future<Void>> futures = new ArrayList<>();
          for (int i = 0; i < helpers; i++) {
            futures.add(pool.submit(() -> {
              try (Connection c = Jdbc.connect(db, password)) {
                c.setAutoCommit(false);
                c.setReadOnly(true);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try (Statement s = c.createStatement()) {
                  // first statement of the transaction: from here on it sees the leader's data
                  s.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
                }
                try {
                  drain(c, queue, counted, done, beat);
                } finally {
                  c.rollback();
                }
              }
              return null;
            }));
          }
          SQLException first = null;
          try {
            drain(leader, queue, counted, done, beat);
          } catch (SQLException e) {
            first = e;
            queue.clear();
          }
          for (Future<Void> f : futures) {
            try {
              f.get();
            } catch (ExecutionException e) {
              queue.clear();
              if (first == null) {
                first = e.getCause() instanceof SQLException se ? se
                    : new SQLException("counting rows failed: " + e.getCause(), e.getCause());
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new SQLException("interrupted while counting rows", e);
            }
          }
          if (first != null) {
            throw first;
          }
        } finally {
          pool.shutdownNow();
        }
      }
    } finally {
      leader.rollback();
    }
    for (Map.Entry<String, Long> e : new TreeMap<>(expected).entrySet()) {
      Table t = tables.get(e.getKey());
      if (t == null) {
        problems.add(e.getKey() + ": table missing (manifest expects " + e.getValue() + " rows)");
        continue;
      }
      long n = counted.get(e.getKey());
      found.put(e.getKey(), n);
      // Flyway's history only grows: the pending migrations add their rows to it
      boolean history = PostgresRecoveryActivitiesImpl.FLYWAY_HISTORY.equals(t.name())
          && e.getValue() != null && n >= e.getValue();
      if (e.getValue() == null || (n != e.getValue() && !history)) {
        problems.add(e.getKey() + ": " + e.getValue() + " rows expected (manifest), " + n
            + " found");
      }
    }
  }

  private static void drain(Connection c, ConcurrentLinkedQueue<Table> queue,
      Map<String, Long> counted, AtomicLong done, LongConsumer progress) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (Table t = queue.poll(); t != null; t = queue.poll()) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + Jdbc.quoteIdent(t.schema())
            + "." + Jdbc.quoteIdent(t.name()))) {
          rs.next();
          counted.put(t.key(), rs.getLong(1));
        }
        progress.accept(done.incrementAndGet());
      }
    }
  }

  /** Ordinary and partitioned tables by "schema.table", the manifest's key. */
  static Map<String, Table> tables(Statement st) throws SQLException {
    Map<String, Table> out = new TreeMap<>();
    try (ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname, pg_relation_size(c.oid)"
        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE c.relkind IN ('r', 'p')")) {
      while (rs.next()) {
        String key = rs.getString(1) + "." + rs.getString(2);
        out.put(key, new Table(key, rs.getString(1), rs.getString(2), rs.getLong(3)));
      }
    }
    return out;
  }
}
