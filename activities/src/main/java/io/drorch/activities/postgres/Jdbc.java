package io.drorch.activities.postgres;

import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.temporal.failure.ApplicationFailure;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * JDBC connections to the plan's database, with failures turned into {@link DrError}s that name the
 * problem and the fix. The password is a connection property only; without one pgjdbc reads {@code
 * PGPASSFILE} or {@code ~/.pgpass} itself (like libpq).
 */
public final class Jdbc {
  static final int CONNECT_TIMEOUT_SECONDS = 10;

  private Jdbc() {}

  /** Opens a connection or throws the classified failure. */
  public static Connection connect(DatabaseTarget db, Optional<String> password) {
    Properties props = new Properties();
    if (db.user() != null && !db.user().isBlank()) {
      props.setProperty("user", db.user());
    }
    password.ifPresent(p -> props.setProperty("password", p));
    props.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
    props.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS + 5));
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("ApplicationName", "dr-orchestrator");
    try {
      return DriverManager.getConnection(url(db), props);
    } catch (SQLException e) {
      throw classify(e, db);
    }
  }

  static String url(DatabaseTarget db) {
    String host = db.host().contains(":") && !db.host().startsWith("[") ? "[" + db.host() + "]"
        : db.host();
    return "jdbc:postgresql://" + host + ":" + db.port() + "/"
        + URLEncoder.encode(db.name(), StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The failure for a connection problem, naming the fix in dr-plan.yaml or on the worker. */
  public static ApplicationFailure classify(SQLException e, DatabaseTarget db) {
    String where = db.host() + ":" + db.port();
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = e.getMessage() == null ? "" : e.getMessage();
    String user = db.user() == null ? System.getProperty("user.name") : db.user();
    if (state.equals("28P01") || state.equals("28000")
        || (state.equals("08004") && message.toLowerCase(Locale.ROOT).contains("password"))) {
      return DrError.DATABASE_AUTH.failure(
          "PostgreSQL at " + where + " rejected user '" + user + "' for database '" + db.name()
              + "' (" + firstLine(message) + "). Check database.user in dr-plan.yaml and the"
              + " password the worker has: PGPASSWORD in the worker's environment or a"
              + " ~/.pgpass line host:port:database:user:password (mode 0600); for 'no pg_hba.conf"
              + " entry' the server's pg_hba.conf must allow the worker.",
          e);
    }
    if (state.equals("3D000")) {
      return DrError.DATABASE_NOT_FOUND.failure(
          "Database '" + db.name() + "' does not exist on PostgreSQL at " + where
              + ". Check database.name in dr-plan.yaml (or create the database).",
          e);
    }
    if (state.startsWith("08") || state.equals("57P03") || state.equals("53300")
        || rootCause(e) instanceof java.io.IOException) {
      return DrError.DATABASE_UNREACHABLE.failure(
          "Cannot connect to PostgreSQL at " + where + " (" + reason(e) + "). Check"
              + " database.host/port in dr-plan.yaml and that the server is running.",
          e);
    }
    return DrError.DUMP_FAILED.failure(
        "PostgreSQL at " + where + ", database '" + db.name() + "': " + firstLine(message)
            + " (SQLState " + state + ")",
        e);
  }

  private static String reason(SQLException e) {
    Throwable root = rootCause(e);
    if (root instanceof ConnectException) {
      return "Connection refused";
    }
    if (root instanceof UnknownHostException) {
      return "unknown host";
    }
    if (root instanceof SocketTimeoutException) {
      return "no answer within " + CONNECT_TIMEOUT_SECONDS + " s";
    }
    if (root instanceof NoRouteToHostException) {
      return "no route to host";
    }
    return firstLine(root.getMessage() == null ? root.toString() : root.getMessage());
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  public static String firstLine(String s) {
    return s == null ? "" : s.strip().lines().findFirst().orElse("");
  }

  /** {@code "schema"."name"}: an identifier quoted for SQL. */
  public static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
