package io.drorch.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Receives the stakeholders' webhook notifications: the docker-compose stack's {@code webhook}
 * service ({@code dr sample webhook}) and the same in the test that runs the compose smoke steps
 * locally. Every {@code POST} (any path) is kept, the newest {@link #KEPT} of them; {@code GET
 * /count} says how many arrived, {@code GET /received} returns the kept bodies, one per line;
 * {@code GET /ready} is the container's health check.
 */
public final class WebhookReceiver implements AutoCloseable {
  static final int KEPT = 1000;

  private final HttpServer server;
  private final Deque<String> bodies = new ArrayDeque<>();
  private long count;

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  /** Serves on {@code host:port} (port 0: any free port). */
  public static WebhookReceiver start(String host, int port) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
    WebhookReceiver r = new WebhookReceiver(http);
    http.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      if ("POST".equals(ex.getRequestMethod())) {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        r.add(body.replace('\n', ' '));
        SampleAppServer.respond(ex, 200, "ok");
      } else if (path.equals("/count")) {
        SampleAppServer.respond(ex, 200, Long.toString(r.count()));
      } else if (path.equals("/received")) {
        SampleAppServer.respond(ex, 200, String.join("\n", r.received()));
      } else if (path.equals("/ready")) {
        SampleAppServer.respond(ex, 200, "ready");
      } else {
        SampleAppServer.respond(ex, 404, "POST a notification, or GET /count, /received, /ready");
      }
    });
    http.start();
    return r;
  }

  private synchronized void add(String body) {
    count++;
    bodies.addLast(body);
    if (bodies.size() > KEPT) {
      bodies.removeFirst();
    }
  }

  public synchronized long count() {
    return count;
  }

  public synchronized List<String> received() {
    return new ArrayList<>(bodies);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
