package io.drorch.local;

import io.drorch.workflows.common.Payloads;
import io.drorch.workflows.common.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Temporal for the local stack: the real dev server ({@code temporal server start-dev}, SQLite file
 * in {@code dir/temporal.db}, Web UI, Schedules, visibility) when a {@code temporal} CLI is found
 * (env {@code DR_TEMPORAL_CLI}, then PATH, then {@code ~/go/bin/temporal}); otherwise the Java test
 * server in-process without time skipping (no Schedules, no visibility queries, memory only).
 *
 * <p>The custom search attributes {@link #SEARCH_ATTRIBUTES} are registered on both. Set env
 * {@code DR_TEMPORAL_HEADLESS=true} (or use {@link #start(Path, boolean)}) to run without the UI.
 */
public final class LocalTemporal implements AutoCloseable {
  public static final String NAMESPACE = "default";

  /** The project's custom search attributes and their types ({@link SearchAttributes}). */
  public static final Map<String, IndexedValueType> SEARCH_ATTRIBUTES =
      SearchAttributes.definitions();

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final int port;
  private final boolean real;
  private final Integer uiPort;
  private final Process process;                         // real server
  private final TestServer.PortBoundTestServer testServer; // Java test server
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final Thread shutdownHook;
  private volatile boolean closed;
  /** How the real server was started, for {@link #restart()}; null for the Java test server. */
  private RealStart realStart;

  private record RealStart(Path dir, Path cli, boolean ui, String codecEndpoint) {}

  private LocalTemporal(int port, boolean real, Integer uiPort, Process process,
      TestServer.PortBoundTestServer testServer, WorkflowServiceStubs service) {
    this.port = port;
    this.real = real;
    this.uiPort = uiPort;
    this.process = process;
    this.testServer = testServer;
    this.service = service;
    // the project's payload converter, as every client and worker we make uses
    this.client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(NAMESPACE).setDataConverter(Payloads.dataConverter()).build());
    this.shutdownHook = new Thread(this::stopQuietly, "local-temporal-shutdown");
  }

  /** The real dev server when a CLI is found, else the Java test server; UI unless headless. */
  public static LocalTemporal start(Path dir) throws IOException {
    return start(dir, !headlessFromEnv());
  }

  /**
   * Like {@link #start(Path)}; the real server's Web UI decodes payloads through the codec server
   * at {@code uiCodecEndpoint} ({@code --ui-codec-endpoint}; null: none).
   */
  public static LocalTemporal start(Path dir, String uiCodecEndpoint) throws IOException {
    return start(dir, !headlessFromEnv(), uiCodecEndpoint);
  }

  /** Like {@link #start(Path)}, choosing whether the real server serves the Web UI. */
  public static LocalTemporal start(Path dir, boolean ui) throws IOException {
    return start(dir, ui, null);
  }

  /**
   * Like {@link #start(Path, boolean)}; the real server's Web UI decodes payloads through the
   * codec server at {@code uiCodecEndpoint} ({@code --ui-codec-endpoint}; null: none).
   */
  public static LocalTemporal start(Path dir, boolean ui, String uiCodecEndpoint)
      throws IOException {
    Optional<Path> cli = findCli();
    if (cli.isPresent()) {
      return startReal(dir, cli.get(), ui, 0, uiCodecEndpoint);
    }
    return startTestServer();
  }

  /** The real dev server; fails when no {@code temporal} CLI is found. Headless unless env says no. */
  public static LocalTemporal startRealServer(Path dir) throws IOException {
    Path cli = findCli().orElseThrow(() -> new IOException("no `temporal` CLI found (looked at env"
        + " DR_TEMPORAL_CLI, PATH, ~/go/bin/temporal). Install it: go install"
        + " github.com/temporalio/cli/cmd/temporal@v1.5.1"));
    return startReal(dir, cli, false, 0, null);
  }

  /** The Java test server in-process (no time skipping), even when a CLI exists. */
  public static LocalTemporal startTestServer() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = Procs.freePort();
      TestServer.PortBoundTestServer server;
      try {
        server = TestServer.createPortBoundServer(port, true); // true: time skipping locked (off)
      } catch (RuntimeException e) {
        last = new IOException("cannot start the Temporal Java test server on port " + port, e);
        continue;
      }
      WorkflowServiceStubs stubs = null;
      try {
        stubs = connect(port, Instant.now().plus(START_TIMEOUT), null, null);
        registerSearchAttributes(stubs);
        LocalTemporal t = new LocalTemporal(port, false, null, null, server, stubs);
        Runtime.getRuntime().addShutdownHook(t.shutdownHook);
        return t;
      } catch (IOException | RuntimeException e) {
        if (stubs != null) {
          stubs.shutdownNow();
        }
        server.close();
        throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
      }
    }
    throw last;
  }

  public String target() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /**
   * Starts the real dev server again on the same directory after {@link #close()}: the SQLite
   * file {@code dir/temporal.db} keeps every workflow, timer, Schedule and search attribute. The
   * same gRPC port is tried first; when it is taken the server comes up on a new one, so callers
   * must use the returned instance's {@link #target()} (clients of the old one must reconnect).
   */
  public LocalTemporal restart() throws IOException {
    if (realStart == null) {
      throw new IllegalStateException("only the real dev server keeps its state across a restart;"
          + " the Java test server keeps it in memory");
    }
    if (!closed) {
      throw new IllegalStateException("close() it first: " + this);
    }
    return startReal(realStart.dir(), realStart.cli(), realStart.ui(), port,
        realStart.codecEndpoint());
  }

  /** The server's own process, when it runs as one (for pid files); empty in-process. */
  public java.util.Optional<ProcessHandle> processHandle() {
    return process == null ? java.util.Optional.empty() : java.util.Optional.of(process.toHandle());
  }

  /** False for the Java test server (no Schedules, no visibility). */
  public boolean realServer() {
    return real;
  }

  public Optional<String> uiUrl() {
    return uiPort == null ? Optional.empty() : Optional.of("http://127.0.0.1:" + uiPort);
  }

  public String namespace() {
    return NAMESPACE;
  }

  public WorkflowServiceStubs service() {
    return service;
  }

  /** A client of namespace "default". */
  public WorkflowClient client() {
    return client;
  }

  @Override
  public void close() {
    stopQuietly();
    Procs.removeShutdownHook(shutdownHook);
  }

  @Override
  public String toString() {
    return "LocalTemporal[" + target() + (real ? ", real server" : ", java test server")
        + uiUrl().map(u -> ", ui " + u).orElse("") + "]";
  }

  private synchronized void stopQuietly() {
    if (closed) {
      return;
    }
    closed = true;
    service.shutdownNow();
    try {
      service.awaitTermination(5, TimeUnit.SECONDS);
    } catch (RuntimeException ignored) {
      // best effort
    }
    if (testServer != null) {
      testServer.close();
    }
    if (process != null) {
      Procs.stop(process, 15); // SIGTERM: the dev server flushes SQLite and exits
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static boolean headlessFromEnv() {
    String v = System.getProperty("DR_TEMPORAL_HEADLESS", System.getenv("DR_TEMPORAL_HEADLESS"));
    return v != null && (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes"));
  }

  /** env DR_TEMPORAL_CLI, then PATH, then ~/go/bin/temporal. DR_TEMPORAL_CLI=none disables. */
  static Optional<Path> findCli() {
    String env = System.getenv("DR_TEMPORAL_CLI");
    if (env != null && !env.isBlank()) {
      if (env.equalsIgnoreCase("none")) {
        return Optional.empty();
      }
      Path p = Path.of(env);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        if (d.isEmpty()) {
          continue;
        }
        Path p = Path.of(d, "temporal");
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    Path home = Path.of(System.getProperty("user.home"), "go", "bin", "temporal");
    return Files.isExecutable(home) ? Optional.of(home) : Optional.empty();
  }

  /** {@code preferredPort} > 0: the first attempt uses it (a restart keeps its address). */
  private static LocalTemporal startReal(Path dir, Path cli, boolean ui, int preferredPort,
      String codecEndpoint) throws IOException {
    Path base = dir.toAbsolutePath().normalize();
    Files.createDirectories(base);
    Path log = base.resolve("temporal.log");
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      // the old port only while nothing else answers there (else we would talk to a stranger)
      int port = attempt == 0 && preferredPort > 0 && !Procs.portAnswers(preferredPort)
          ? preferredPort : Procs.freePort();
      int httpPort = Procs.freePort();
      int metricsPort = Procs.freePort();
      Integer uiPort = ui ? Procs.freePort() : null;
      List<String> cmd = new ArrayList<>(List.of(cli.toString(), "server", "start-dev",
          "--ip", "127.0.0.1", "--port", Integer.toString(port),
          "--http-port", Integer.toString(httpPort),
          "--metrics-port", Integer.toString(metricsPort),
          "--db-filename", base.resolve("temporal.db").toString(),
          "--namespace", NAMESPACE,
          "--log-level", "warn"));
      if (ui) {
        cmd.addAll(List.of("--ui-ip", "127.0.0.1", "--ui-port", Integer.toString(uiPort)));
        if (codecEndpoint != null) {
          cmd.addAll(List.of("--ui-codec-endpoint", codecEndpoint));
        }
      } else {
        cmd.add("--headless");
      }
      SEARCH_ATTRIBUTES.forEach((name, type) -> {
        cmd.add("--search-attribute");
        cmd.add(name + "=" + SearchAttributes.cliType(type));
      });
      Process proc = Procs.startLogged(cmd, base, log,
          "=== LocalTemporal start " + Instant.now() + ": " + String.join(" ", cmd));
      WorkflowServiceStubs stubs = null;
      try {
        stubs = connect(port, Instant.now().plus(START_TIMEOUT), proc, log);
        LocalTemporal t = new LocalTemporal(port, true, uiPort, proc, null, stubs);
        t.realStart = new RealStart(base, cli, ui, codecEndpoint);
        Runtime.getRuntime().addShutdownHook(t.shutdownHook);
        return t;
      } catch (IOException e) {
        if (stubs != null) {
          stubs.shutdownNow();
        }
        proc.destroyForcibly();
        last = e;
        String tail = Procs.fileTail(log, 30);
        if (!tail.contains("address already in use") && !(attempt == 0 && preferredPort > 0)) {
          break;
        }
      }
    }
    throw last;
  }

  /** Connects and waits until namespace "default" answers; fails with the log tail on timeout. */
  private static WorkflowServiceStubs connect(int port, Instant deadline, Process proc, Path log)
      throws IOException {
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    RuntimeException lastError = null;
    while (Instant.now().isBefore(deadline)) {
      if (proc != null && !proc.isAlive()) {
        stubs.shutdownNow();
        throw new IOException("temporal server exited with code " + proc.exitValue()
            + " before accepting connections\n" + Procs.fileTail(log, 30));
      }
      if (Procs.portAnswers(port)) {
        try {
          stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
              .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(NAMESPACE).build());
          return stubs;
        } catch (RuntimeException e) {
          lastError = e;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    stubs.shutdownNow();
    throw new IOException("Temporal on 127.0.0.1:" + port + " did not answer within "
        + START_TIMEOUT.toSeconds() + " s" + (lastError == null ? "" : " (last error: "
        + lastError.getMessage() + ")") + (log == null ? "" : "\n" + Procs.fileTail(log, 30)));
  }

  private static void registerSearchAttributes(WorkflowServiceStubs stubs) {
    OperatorServiceStubs ops = OperatorServiceStubs.newServiceStubs(OperatorServiceStubsOptions
        .newBuilder().setChannel(stubs.getRawChannel()).validateAndBuildWithDefaults());
    try {
      ops.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
          .setNamespace(NAMESPACE).putAllSearchAttributes(SEARCH_ATTRIBUTES).build());
    } finally {
      ops.shutdown();
    }
  }
}
