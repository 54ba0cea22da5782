package io.drorch.activities.rpo;

import io.drorch.activities.common.Json;
import io.drorch.activities.plan.Cron;
import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.activities.postgres.Jdbc;
import io.drorch.activities.storage.BackupStore;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.RpoAge;
import io.drorch.workflows.contracts.values.RpoSnapshot;
import io.drorch.workflows.contracts.values.RpoWatchState;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.rpo.RpoActivities;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Measures RPO ages (pg_stat_archiver, the catalog) and keeps the watch's state in the bucket. */
public class RpoActivitiesImpl implements RpoActivities {
  /** The watch's state object under the plan's prefix. */
  public static final String STATE_KEY = "rpo-watch/state.json";

  private final DatabaseCredentials credentials;
  private final S3Clients s3;

  public RpoActivitiesImpl(DatabaseCredentials credentials, S3Clients s3) {
    this.credentials = credentials;
    this.s3 = s3;
  }

  @Override
  public RpoSnapshot measure(DrPlan plan) {
    Instant now = Instant.now();
    List<RpoAge> ages = new ArrayList<>();
    boolean pitr = plan.database() != null && plan.database().pitr() != null;
    if (pitr) {
      ages.add(wal(plan, now));
    }
    BackupCatalog catalog = StorageActivitiesImpl.catalog(s3.store(plan.storage()));
    if (plan.database() != null) {
      long limit = plan.objectives().rpoDatabase().toSeconds();
      String detail = null;
      if (pitr) {
        // with PITR the RPO is the WAL's; base backups only need to come as often as scheduled
        Duration every = Cron.parse(plan.database().pitr().diffBackup()).maxInterval()
            .orElse(Duration.ofDays(31));
        limit = every.plus(plan.objectives().rpoDatabase()).toSeconds();
        detail = "with PITR: the differential base backup's longest interval + the RPO";
      }
      ages.add(newest(catalog, Set.of(BackupKind.DATABASE, BackupKind.BASE), RpoAge.DATABASE,
          limit, detail, now));
    }
    if (plan.files() != null) {
      ages.add(newest(catalog, Set.of(BackupKind.FILES), RpoAge.FILES,
          plan.objectives().rpoFiles().toSeconds(), null, now));
    }
    RpoSnapshot snapshot = new RpoSnapshot(now, ages);
    RpoGauges.set(snapshot);
    return snapshot;
  }

  /**
   * The archive's age from {@code pg_stat_archiver}: 0 when the segment being written holds
   * nothing past the last archived one; otherwise the time since the last successful archive
   * (everything written since is at risk). Failures are counted in the detail.
   */
  static RpoAge wal(DrPlan plan, DatabaseCredentials credentials, Instant now) {
    long limit = plan.objectives().rpoDatabase().toSeconds();
    String sql = "SELECT last_archived_wal, last_archived_time, failed_count, last_failed_wal,"
        + " last_failed_time, pg_walfile_name(pg_current_wal_lsn()) AS current_wal,"
        + " now() AS db_now FROM pg_stat_archiver";
    try (Connection c = Jdbc.connect(plan.database(), credentials.password(plan.database()));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      String lastWal = rs.getString("last_archived_wal");
      java.sql.Timestamp lastTime = rs.getTimestamp("last_archived_time");
      long failed = rs.getLong("failed_count");
      String failedWal = rs.getString("last_failed_wal");
      java.sql.Timestamp failedTime = rs.getTimestamp("last_failed_time");
      String current = rs.getString("current_wal");
      Instant dbNow = rs.getTimestamp("db_now").toInstant();
      boolean failing = failedTime != null && (lastTime == null || failedTime.after(lastTime));
      String detail = "archive failures " + failed
          + (failing ? ", failing now: " + failedWal + " at " + failedTime.toInstant()
              + " (check archive_command and `pgbackrest check`)" : "");
      Long age;
      if (lastWal == null || lastTime == null) {
        age = null;
      } else if (current != null && !failing && current.compareTo(lastWal) <= 0) {
        age = 0L;
      } else {
        age = Math.max(0, Duration.between(lastTime.toInstant(), dbNow).toSeconds());
      }
      return new RpoAge(RpoAge.WAL, age, limit, lastWal, detail);
    } catch (SQLException e) {
      throw Jdbc.classify(e, plan.database());
    }
  }

  private RpoAge wal(DrPlan plan, Instant now) {
    return wal(plan, credentials, now);
  }

  static RpoAge newest(BackupCatalog catalog, Set<BackupKind> kinds, String kind, long limit,
      String detail, Instant now) {
    Optional<StoredBackup> newest = catalog.backups().stream()
        .filter(b -> b.valid() && kinds.contains(b.manifest().kind())
            && b.manifest().finishedAt() != null)
        .max(java.util.Comparator.comparing(b -> b.manifest().finishedAt()));
    if (newest.isEmpty()) {
      return new RpoAge(kind, null, limit, null, detail);
    }
    long age = Math.max(0, Duration.between(newest.get().manifest().finishedAt(), now).toSeconds());
    return new RpoAge(kind, age, limit, newest.get().manifest().backupId(), detail);
  }

  @Override
  public RpoWatchState previous(StorageTarget storage) {
    return read(s3.store(storage));
  }

  /** The stored state ({@link RpoWatchState#EMPTY} when none): also what {@code dr rpo} shows. */
  public static RpoWatchState read(BackupStore store) {
    Optional<byte[]> body = store.readSmall(key(store.target()));
    if (body.isEmpty()) {
      return RpoWatchState.EMPTY;
    }
    try {
      return Json.read(body.get(), RpoWatchState.class);
    } catch (IOException e) {
      throw DrError.BAD_INPUT.failure("the RPO watch's state " + key(store.target())
          + " is not readable (" + e.getMessage() + "); delete it, the next tick starts afresh");
    }
  }

  @Override
  public void record(StorageTarget storage, RpoWatchState state) {
    s3.store(storage).put(key(storage), Json.bytes(state), "application/json");
  }

  public static String key(StorageTarget storage) {
    return BackupKeys.root(storage) + STATE_KEY;
  }
}
