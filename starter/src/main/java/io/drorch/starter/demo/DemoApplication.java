package io.drorch.starter.demo;

import com.sun.net.httpserver.HttpServer;
import io.drorch.local.LocalPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;

/**
 * A stand-in for the AI Docs Assistant in the local drill: {@code POST /deploy} "deploys" it, and
 * {@code GET /health} answers 200 only when it is deployed, its database answers with users in
 * it and its uploads directory exists — so the application recovery really checks the data.
 */
public final class DemoApplication implements AutoCloseable {
  private final HttpServer server;
  private volatile boolean deployed;
  private final java.util.List<String> notifications =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private DemoApplication(HttpServer server) {
    this.server = server;
  }

  public static DemoApplication start(LocalPostgres pg, String database, Path uploads)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    DemoApplication app = new DemoApplication(server);
    server.createContext("/deploy", ex -> {
      app.deployed = true;
      respond(ex, 200, "deployed\n");
    });
    server.createContext("/notify", ex -> {
      app.notifications.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      respond(ex, 200, "ok\n");
    });
    server.createContext("/health", ex -> {
      String problem = app.problem(pg, database, uploads);
      respond(ex, problem == null ? 200 : 503, problem == null ? "ok\n" : problem + "\n");
    });
    server.start();
    return app;
  }

  private String problem(LocalPostgres pg, String database, Path uploads) {
    if (!deployed) {
      return "not deployed";
    }
    if (!Files.isDirectory(uploads)) {
      return "uploads directory " + uploads + " is missing";
    }
    try (Connection c = pg.connect(database);
        ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM users")) {
      r.next();
      return r.getLong(1) > 0 ? null : "no users in the database";
    } catch (Exception e) {
      return "database: " + e.getMessage();
    }
  }

  private static void respond(com.sun.net.httpserver.HttpExchange ex, int status, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The webhook bodies received on /notify (the stakeholders' channel in the drill). */
  public java.util.List<String> notifications() {
    return java.util.List.copyOf(notifications);
  }

  public void undeploy() {
    deployed = false;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
