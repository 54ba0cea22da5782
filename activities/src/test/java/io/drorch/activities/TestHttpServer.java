package io.drorch.activities;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/**
 * A local HTTP server on 127.0.0.1 for hooks, health checks and webhooks: answers the n-th request
 * (0-based) with {@code status.apply(n)} and records every request.
 */
public final class TestHttpServer implements AutoCloseable {
  public record Request(String method, String path, String contentType, String body) {}

  public final List<Request> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  private TestHttpServer(IntFunction<Integer> status, String answer) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> handle(exchange, status, answer));
    server.start();
  }

  public static TestHttpServer answering(IntFunction<Integer> status, String answer)
      throws IOException {
    return new TestHttpServer(status, answer);
  }

  public static TestHttpServer answering(int status) throws IOException {
    return new TestHttpServer(n -> status, "");
  }

  private void handle(HttpExchange ex, IntFunction<Integer> status, String answer) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    int n = requests.size();
    requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().toString(),
        ex.getRequestHeaders().getFirst("Content-Type"), body));
    byte[] out = answer.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status.apply(n), out.length == 0 ? -1 : out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** A URL on a port nobody listens on: connection refused. */
  public static String refusedUrl(String path) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    return "http://127.0.0.1:" + port + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
