package io.drorch.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Temporal SDK's worker and client metrics ({@code temporal_workflow_completed_total},
 * {@code temporal_activity_execution_failed_total}, poll and schedule-to-start latencies, …) in
 * Prometheus text format on {@code http://HOST:PORT/metrics}.
 *
 * <p>Configured by env {@code DR_METRICS_PORT}: unset means {@value #DEFAULT_PORT}; {@code 0},
 * {@code off}, {@code false} or {@code none} disable the endpoint (and the SDK then reports to a
 * no-op scope). Env {@code DR_METRICS_HOST} picks the interface (default all interfaces, so a
 * Prometheus in another container can scrape it).
 */
public final class WorkerMetrics implements AutoCloseable {
  public static final String PORT_ENV = "DR_METRICS_PORT";
  public static final String HOST_ENV = "DR_METRICS_HOST";
  public static final int DEFAULT_PORT = 9464;
  public static final String PATH = "/metrics";
  /** How often the SDK's tally scope pushes its counters into the registry. */
  static final com.uber.m3.util.Duration REPORT_EVERY = com.uber.m3.util.Duration.ofSeconds(10);

  private final PrometheusMeterRegistry registry;
  private final Scope scope;
  private final HttpServer server;
  private final ExecutorService executor;

  private WorkerMetrics(PrometheusMeterRegistry registry, Scope scope, HttpServer server,
      ExecutorService executor) {
    this.registry = registry;
    this.scope = scope;
    this.server = server;
    this.executor = executor;
  }

  /** The port from {@code DR_METRICS_PORT}, or empty when metrics are switched off. */
  public static Optional<Integer> portFrom(String value) {
    if (value == null || value.isBlank()) {
      return Optional.of(DEFAULT_PORT);
    }
    String v = value.trim();
    if (v.equals("0") || v.equalsIgnoreCase("off") || v.equalsIgnoreCase("false")
        || v.equalsIgnoreCase("none")) {
      return Optional.empty();
    }
    try {
      int port = Integer.parseInt(v);
      if (port > 0 && port < 65536) {
        return Optional.of(port);
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalStateException(PORT_ENV + "='" + value + "' is not a TCP port (1-65535);"
        + " use 0 or off to disable the metrics endpoint.");
  }

  /** Starts the endpoint as the environment says, or returns empty when it is switched off. */
  public static Optional<WorkerMetrics> fromEnvironment() {
    Optional<Integer> port = portFrom(System.getenv(PORT_ENV));
    if (port.isEmpty()) {
      return Optional.empty();
    }
    String host = System.getenv(HOST_ENV);
    return Optional.of(start(host == null || host.isBlank() ? "0.0.0.0" : host.trim(), port.get()));
  }

  /** A registry, the SDK scope reporting into it, and the HTTP endpoint on host:port. */
  public static WorkerMetrics start(String host, int port) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      registry.close();
      throw new IllegalStateException("Cannot serve metrics on " + host + ":" + port + " ("
          + e.getMessage() + "). Set " + PORT_ENV + " to a free port, or to off.", e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "dr-metrics-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext(PATH, exchange -> serve(exchange, registry));
    server.start();
    // the orchestrator's own gauges (dr_rpo_age_seconds) are registered globally by activities
    io.micrometer.core.instrument.Metrics.addRegistry(registry);
    Scope scope = new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(REPORT_EVERY);
    return new WorkerMetrics(registry, scope, server, executor);
  }

  private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** For {@code WorkflowServiceStubsOptions.Builder#setMetricsScope}. */
  public Scope scope() {
    return scope;
  }

  /** Where to scrape, e.g. {@code http://0.0.0.0:9464/metrics} (all interfaces). */
  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + port() + PATH;
  }

  /** The bound port (useful when started on port 0 in a test). */
  public int port() {
    return server.getAddress().getPort();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      scope.close(); // reports what is pending one last time
    } catch (com.uber.m3.tally.ScopeCloseException e) {
      // shutting down anyway: the next scrape would not come
    }
    io.micrometer.core.instrument.Metrics.removeRegistry(registry);
    registry.close();
  }
}
