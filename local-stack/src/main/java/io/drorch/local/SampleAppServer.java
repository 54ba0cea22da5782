package io.drorch.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The AI Docs Assistant as a service: the docker-compose stack's {@code app} ({@code dr sample
 * app}) and the same service in the test that runs the compose smoke steps locally. It reads its
 * environment file ({@code DATABASE_HOST}, {@code DATABASE_PORT}, {@code DATABASE_NAME}, {@code
 * DATABASE_USER}, {@code UPLOADS_DIR}; the password from its own environment, never the file) at
 * every request, so what the application recovery restores is what it uses.
 *
 * <ul>
 *   <li>{@code GET /health}: 200 only when the environment file is there, the database answers
 *       with users in it and the uploads directory holds files; else 503 saying what is
 *       missing. The recovery's health check.</li>
 *   <li>{@code POST /deploy}: the deploy hook (what {@code deploy/app/deploy.sh} calls); records
 *       the version, answers 200.</li>
 *   <li>{@code GET /ready}: 200 once the server has started (the container's health check).</li>
 * </ul>
 * On its first start ({@link #install}) it puts the initial environment file in place, creates
 * the sample database content (Flyway migrations and rows) and the uploads, then leaves a marker
 * so that it never does it again: a disaster stays a disaster until the recovery repairs it.
 */
public final class SampleAppServer implements AutoCloseable {
  private final HttpServer server;
  private final Path envFile;
  private final String password;
  private volatile String deployed;

  private SampleAppServer(HttpServer server, Path envFile, String password) {
    this.server = server;
    this.envFile = envFile;
    this.password = password;
  }

  /** Serves on {@code host:port} (port 0: any free port). */
  public static SampleAppServer start(String host, int port, Path envFile, String password)
      throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
    SampleAppServer app = new SampleAppServer(http, envFile, password);
    http.createContext("/ready", ex -> respond(ex, 200, "ready"));
    http.createContext("/deploy", ex -> {
      if (!"POST".equals(ex.getRequestMethod())) {
        respond(ex, 405, "POST only");
        return;
      }
      String query = ex.getRequestURI().getQuery();
      app.deployed = (query == null ? "" : query) + " at " + Instant.now();
      respond(ex, 200, "deployed " + app.deployed);
    });
    http.createContext("/health", ex -> {
      String problem = app.problem();
      respond(ex, problem == null ? 200 : 503, problem == null ? "ok" : problem);
    });
    http.start();
    return app;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** What the last deploy hook call said, or null. */
  public String deployed() {
    return deployed;
  }

  /** Why the application is not healthy, or null when it is. */
  public String problem() {
    Map<String, String> env;
    try {
      env = readEnv(envFile);
    } catch (IOException e) {
      return "environment file " + envFile + " is missing or unreadable";
    }
    for (String key : new String[] {"DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME",
        "DATABASE_USER", "UPLOADS_DIR"}) {
      if (env.get(key) == null || env.get(key).isBlank()) {
        return "environment file " + envFile + " has no " + key;
      }
    }
    Path uploads = Path.of(env.get("UPLOADS_DIR"));
    try (Stream<Path> s = Files.list(uploads)) {
      if (s.findAny().isEmpty()) {
        return "uploads directory " + uploads + " is empty";
      }
    } catch (IOException e) {
      return "uploads directory " + uploads + " is missing";
    }
    try (Connection c = connect(env, env.get("DATABASE_NAME"), password);
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT count(*) FROM users")) {
      r.next();
      return r.getLong(1) > 0 ? null : "no users in the database";
    } catch (SQLException e) {
      return "database: " + e.getMessage();
    }
  }

  /**
   * The first start: unless {@code marker} exists, puts {@code initialEnv} in place as the
   * environment file when there is none, creates the database (if missing) with the sample
   * content, the uploads (if missing or empty), then writes {@code marker}. Waits up to {@code
   * timeout} for the database server. Returns what it did.
   */
  public static String install(Path envFile, Path initialEnv, Path marker, String password,
      Duration timeout) throws IOException, InterruptedException {
    if (Files.exists(marker)) {
      return "installed before (" + marker + "): nothing to do";
    }
    StringBuilder did = new StringBuilder();
    if (!Files.exists(envFile)) {
      Files.createDirectories(envFile.toAbsolutePath().getParent());
      Files.copy(initialEnv, envFile);
      did.append("environment file ").append(envFile).append("; ");
    }
    Map<String, String> env = readEnv(envFile);
    String name = env.get("DATABASE_NAME");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Connection c = connect(env, "postgres", password);
          Statement st = c.createStatement()) {
        try (ResultSet r = st.executeQuery(
            "SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'")) {
          if (!r.next()) {
            st.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
          }
        }
        break;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("database server of " + envFile + " not reachable: "
              + e.getMessage(), e);
        }
        Thread.sleep(1000);
      }
    }
    SampleApplication.populate(jdbcUrl(env, name), env.get("DATABASE_USER"), password, 1);
    did.append("database ").append(name).append("; ");
    Path uploads = Path.of(env.get("UPLOADS_DIR"));
    boolean empty;
    try (Stream<Path> s = Files.isDirectory(uploads) ? Files.list(uploads) : Stream.empty()) {
      empty = s.findAny().isEmpty();
    }
    if (empty) {
      SampleApplication.createUploads(uploads, 200);
      did.append("uploads ").append(uploads).append("; ");
    }
    Files.createDirectories(marker.toAbsolutePath().getParent());
    Files.writeString(marker, "installed " + Instant.now() + "\n");
    return "installed: " + did.toString().replaceAll("; $", "");
  }

  /** KEY=VALUE lines (an environment file, docker compose's .env); comments and blank lines skipped. */
  public static Map<String, String> readEnv(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String l = line.strip();
      int eq = l.indexOf('=');
      if (!l.isEmpty() && !l.startsWith("#") && eq > 0) {
        env.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
      }
    }
    return env;
  }

  private static String jdbcUrl(Map<String, String> env, String database) {
    return "jdbc:postgresql://" + env.get("DATABASE_HOST") + ":" + env.get("DATABASE_PORT") + "/"
        + database;
  }

  private static Connection connect(Map<String, String> env, String database, String password)
      throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", env.get("DATABASE_USER"));
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(jdbcUrl(env, database), p);
  }

  static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = (body + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
