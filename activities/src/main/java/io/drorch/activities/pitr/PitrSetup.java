package io.drorch.activities.pitr;

import com.fasterxml.jackson.databind.JsonNode;
import io.drorch.activities.postgres.Jdbc;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.PitrCheck;
import io.drorch.workflows.contracts.values.PitrStatus;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * {@code dr pitr setup} and {@code dr pitr status}: the pgBackRest configuration and stanza, and
 * every server setting point-in-time recovery needs, each with exactly what to change when it is
 * missing. Setup writes the configuration and creates the stanza (both idempotent); status only
 * reads.
 */
public final class PitrSetup {
  private PitrSetup() {}

  /** Writes the configuration, creates the stanza, then checks everything. */
  public static PitrStatus setup(DatabaseTarget db, StorageTarget storage,
      AwsCredentials credentials, Optional<String> dbPassword) {
    return run(db, storage, credentials, dbPassword, true);
  }

  /** Checks everything, changes nothing. */
  public static PitrStatus status(DatabaseTarget db, StorageTarget storage,
      Optional<String> dbPassword) {
    return run(db, storage, null, dbPassword, false);
  }

  private static PitrStatus run(DatabaseTarget db, StorageTarget storage,
      AwsCredentials credentials, Optional<String> dbPassword, boolean create) {
    PgBackRest pgbr = new PgBackRest(db, storage);
    List<PitrCheck> checks = new ArrayList<>();
    PgBackRest.Result version = pgbr.version();
    checks.add(version.ok() ? ok("pgbackrest", version.output().strip())
        : bad("pgbackrest", version.tail(), "install pgBackRest on the database host (apt-get"
            + " install pgbackrest) or set " + PgBackRest.BINARY_ENV + " to its path"));
    if (!version.ok()) {
      return status(pgbr, checks, null);
    }
    Path config = pgbr.configFile();
    if (create) {
      pgbr.writeConfig(credentials);
      checks.add(ok("config-file", config + " (written, mode 600)"));
    } else {
      checks.add(Files.exists(config) ? ok("config-file", config.toString())
          : bad("config-file", "missing: " + config, "run `dr pitr setup` on the database host"));
    }

    boolean archivingReady = serverSettings(db, pgbr, dbPassword, checks);

    if (create) {
      PgBackRest.Result r = pgbr.run(() -> "stanza-create", "stanza-create");
      checks.add(r.ok() ? ok("stanza", pgbr.stanza() + " in " + pgbr.repoUrl())
          : bad("stanza", r.tail(), "fix what pgBackRest says above (repository endpoint, its TLS"
              + " certificate: database.pitr.repo-options.storage-ca-file, the bucket, the data"
              + " directory), then run `dr pitr setup` again"));
    }
    if (archivingReady) {
      PgBackRest.Result r = pgbr.run(() -> "check", "check");
      checks.add(r.ok() ? ok("pgbackrest check", "WAL archived and the repository reachable")
          : bad("pgbackrest check", r.tail(), "fix what pgBackRest says above; the server's log"
              + " shows why archive_command failed"));
    } else {
      checks.add(bad("pgbackrest check", "not run: archiving is not set up",
          "apply the changes above, then run `dr pitr setup` again"));
    }
    JsonNode info = null;
    try {
      info = pgbr.info();
    } catch (ApplicationFailure e) {
      checks.add(bad("pgbackrest info", e.getOriginalMessage(), "run `dr pitr setup`"));
    }
    return status(pgbr, checks, info);
  }

  /** archive_mode, archive_command, archive_timeout, wal_level, data_directory. */
  private static boolean serverSettings(DatabaseTarget db, PgBackRest pgbr,
      Optional<String> password, List<PitrCheck> checks) {
    String expected = pgbr.archiveCommand();
    try (Connection c = Jdbc.connect(db, password); Statement st = c.createStatement()) {
      String walLevel = setting(st, "wal_level");
      String mode = setting(st, "archive_mode");
      String command = setting(st, "archive_command");
      String dataDirectory = setting(st, "data_directory");
      long timeoutSeconds;
      try (ResultSet rs = st.executeQuery(
          "SELECT setting::bigint FROM pg_settings WHERE name = 'archive_timeout'")) {
        rs.next();
        timeoutSeconds = rs.getLong(1);
      }
      boolean ok = true;
      if (walLevel.equals("replica") || walLevel.equals("logical")) {
        checks.add(ok("wal_level", walLevel));
      } else {
        ok = false;
        checks.add(bad("wal_level", walLevel, "ALTER SYSTEM SET wal_level = 'replica'; then"
            + " restart PostgreSQL (e.g. systemctl restart postgresql)"));
      }
      if (mode.equals("on") || mode.equals("always")) {
        checks.add(ok("archive_mode", mode));
      } else {
        ok = false;
        checks.add(bad("archive_mode", mode, "ALTER SYSTEM SET archive_mode = 'on'; then restart"
            + " PostgreSQL (archive_mode needs a restart, e.g. systemctl restart postgresql)"));
      }
      if (command.contains("archive-push") && command.contains("--stanza=" + pgbr.stanza())
          && command.contains("--config=" + pgbr.configFile())) {
        checks.add(ok("archive_command", command));
      } else {
        ok = false;
        checks.add(bad("archive_command", command.isEmpty() ? "(empty)" : command,
            "ALTER SYSTEM SET archive_command = '" + expected.replace("'", "''")
                + "'; SELECT pg_reload_conf();"));
      }
      Duration max = pgbr.settings().archiveTimeoutMax();
      if (timeoutSeconds > 0 && timeoutSeconds <= max.toSeconds()) {
        checks.add(ok("archive_timeout", timeoutSeconds + "s"));
      } else {
        ok = false;
        checks.add(bad("archive_timeout", timeoutSeconds == 0 ? "0 (off)" : timeoutSeconds + "s",
            "ALTER SYSTEM SET archive_timeout = '" + max.toSeconds() + "s'; SELECT"
                + " pg_reload_conf();  (an idle server's last changes then reach the archive"
                + " within " + max.toSeconds() + " s)"));
      }
      if (samePath(dataDirectory, pgbr.settings().dataDirectory())) {
        checks.add(ok("data_directory", dataDirectory));
      } else {
        ok = false;
        checks.add(bad("data_directory", dataDirectory, "set database.pitr.data-directory: "
            + dataDirectory + " in the plan (the plan says " + pgbr.settings().dataDirectory()
            + ")"));
      }
      return ok;
    } catch (SQLException e) {
      checks.add(bad("server settings", e.getMessage(), "connect as a superuser or a role with"
          + " pg_read_all_settings (database.user)"));
      return false;
    } catch (ApplicationFailure e) {
      checks.add(bad("server settings", e.getOriginalMessage(), "fix the database connection"));
      return false;
    }
  }

  private static boolean samePath(String a, String b) {
    try {
      return Path.of(a).toRealPath().equals(Path.of(b).toRealPath());
    } catch (java.io.IOException | RuntimeException e) {
      return Path.of(a).normalize().equals(Path.of(b).normalize());
    }
  }

  private static String setting(Statement st, String name) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT current_setting('" + name + "')")) {
      rs.next();
      String v = rs.getString(1);
      return v == null ? "" : v.strip();
    }
  }

  private static PitrStatus status(PgBackRest pgbr, List<PitrCheck> checks, JsonNode info) {
    List<String> backups = new ArrayList<>();
    String min = null;
    String max = null;
    if (info != null) {
      for (JsonNode b : info.path("backup")) {
        backups.add(b.path("label").asText() + " " + b.path("type").asText() + " WAL "
            + b.path("archive").path("start").asText() + ".."
            + b.path("archive").path("stop").asText());
      }
      for (JsonNode a : info.path("archive")) {
        if (a.hasNonNull("min")) {
          min = a.path("min").asText();
          max = a.path("max").asText();
        }
      }
    }
    return new PitrStatus(pgbr.stanza(), pgbr.repoUrl(), pgbr.configFile().toString(),
        List.copyOf(checks), List.copyOf(backups), min, max);
  }

  private static PitrCheck ok(String name, String found) {
    return new PitrCheck(name, true, found, null);
  }

  private static PitrCheck bad(String name, String found, String fix) {
    return new PitrCheck(name, false, found, fix);
  }
}
