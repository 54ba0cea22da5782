package io.drorch.starter.demo;

import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageSetup;
import io.drorch.local.LocalPostgres;
import io.drorch.local.LocalS3;
import io.drorch.local.LocalTemporal;
import io.drorch.local.SampleApplication;
import io.drorch.starter.console.Terminal;
import io.drorch.worker.TemporalConnection;
import io.drorch.worker.WorkerLogs;
import io.drorch.worker.WorkerSecrets;
import io.drorch.worker.codec.CodecServer;
import io.drorch.worker.codec.PayloadKeys;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The local stack the demo and {@code dr local up} run: a codec server, PostgreSQL, an S3 server,
 * the Temporal dev server (with its Web UI), the sample application and an in-process worker
 * bound to the plan written to {@code DIR/dr-plan.yaml}; and {@code DIR/env}, what a shell needs
 * to use it ({@link #writeEnv()}). Closing stops everything, the worker first.
 */
public final class LocalStack implements AutoCloseable {
  /** The file {@link #writeEnv()} writes in the stack's directory. */
  public static final String ENV_FILE = "env";
  /** The plan file written in the stack's directory. */
  public static final String PLAN_FILE = "dr-plan.yaml";

  private final Path dir;
  private final PrintStream out;
  private final List<AutoCloseable> open = new ArrayList<>();
  private CodecServer codec;
  private LocalPostgres pg;
  private LocalS3 s3;
  private LocalTemporal temporal;
  private DemoApplication app;
  private S3Clients clients;
  private PayloadKeys keys;
  private TemporalConnection connection;
  private WorkflowClient client;
  private ApproverKeys approverKeys;
  private DrPlan plan;
  private LocalWorker worker;
  private Path uploads;
  private Path workerLog;

  private LocalStack(Path dir, PrintStream out) {
    this.dir = dir;
    this.out = out;
  }

  /**
   * Starts the stack in {@code dir} from the example plan, printing what it does.
   *
   * @param resetSample true: the sample database and uploads are made anew (the drill); false:
   *     made only when missing (a stack started again keeps what the user did with it)
   * @param step prints a step's title
   */
  public static LocalStack start(Path dir, DrPlan example, int scale, boolean resetSample,
      boolean verbose, PrintStream out, Consumer<String> step) throws Exception {
    LocalStack s = new LocalStack(dir, out);
    try {
      s.startAll(example, scale, resetSample, verbose, step);
      return s;
    } catch (Exception | Error e) {
      s.close();
      throw e;
    }
  }

  private void startAll(DrPlan example, int scale, boolean resetSample, boolean verbose,
      Consumer<String> step) throws Exception {
    step.accept("starting the local stack in " + dir.toAbsolutePath());
    workerLog = dir.resolve("logs/worker.log");
    if (!verbose) {
      WorkerLogs.toFile(workerLog);
    }
    uploads = dir.resolve("uploads");
    keys = payloadKeys();
    codec = keep(CodecServer.start("127.0.0.1", 0, keys, List.of(), null));
    pg = keep(LocalPostgres.start(dir.resolve("postgres")));
    s3 = keep(LocalS3.start(dir.resolve("s3")));
    temporal = keep(LocalTemporal.start(dir.resolve("temporal"), codec.url()));
    app = keep(DemoApplication.start(pg, LocalPlan.DATABASE, uploads));
    clients = keep(new S3Clients(s3.credentials()));
    out.printf("  PostgreSQL %s:%d, S3 %s, Temporal %s (%s)%n", pg.host(), pg.port(),
        s3.endpoint(), temporal.target(),
        temporal.realServer() ? "temporal server start-dev" : "Java test server, no Web UI");
    temporal.uiUrl().ifPresent(codec::allowOrigin);
    temporal.uiUrl().ifPresent(u -> out.println("  Temporal Web UI: " + u
        + " (decodes payloads through the codec server " + codec.url() + ")"));
    out.println("  " + keys.describe());
    out.println(verbose ? "  worker log: here, on stderr (--verbose)"
        : "  worker log: " + workerLog + "   (--verbose shows it here)");
    connection = TemporalConnection.of(temporal.target(), temporal.namespace()).withPayloadKeys(keys);
    client = connection.client(temporal.service());

    step.accept("the sample application: database '" + LocalPlan.DATABASE + "', uploads, the app");
    if (resetSample) {
      resetSample(pg, uploads);
    }
    if (resetSample || !databaseExists(LocalPlan.DATABASE)) {
      SampleApplication.createDatabase(pg, LocalPlan.DATABASE, scale);
    }
    if (resetSample || !Files.isDirectory(uploads)) {
      SampleApplication.createUploads(uploads, 200);
    }
    step.accept("the approvers' keys: ssh-keygen -t ed25519 for " + LocalPlan.approvers(example)
        + " in " + dir.resolve("keys"));
    approverKeys = ApproverKeys.in(dir.resolve("keys"), LocalPlan.approvers(example));
    plan = LocalPlan.of(example, pg, s3.endpoint(), uploads, app, dir, approverKeys);

    step.accept("dr storage init");
    for (StorageSetup.Step st : StorageSetup.init(clients.client(plan.storage()), plan.storage())) {
      out.printf("  %-11s %-11s %s%n", st.name(), st.outcome(), st.detail());
    }
    clients.store(plan.storage()).putIfAbsent(BackupKeys.root(plan.storage()) + LocalPlan.ENV_KEY,
        ("# the application's environment, restored by the application recovery\n"
            + "DATABASE_URL=postgresql://" + pg.host() + ":" + pg.port() + "/" + LocalPlan.DATABASE
            + "\nUPLOADS_DIR=" + uploads.toAbsolutePath() + "\nSESSION_SECRET=drill-only\n")
            .getBytes(StandardCharsets.UTF_8), "text/plain");

    WorkerSecrets secrets = new WorkerSecrets(DatabaseCredentials.fixed(pg.password()), s3.credentials());
    Path planFile = dir.resolve(PLAN_FILE);
    worker = keep(LocalWorker.start(client, secrets, plan, planFile, TaskQueues.DR));
    out.printf("  the worker reads its plan %s (sha256 %s) and %s%n", planFile,
        worker.planSha256(), planFile.resolveSibling("allowed_signers"));
  }

  private <T extends AutoCloseable> T keep(T resource) {
    open.add(resource);
    return resource;
  }

  /**
   * Writes {@code DIR/env}: {@code source} it to use the stack from a shell with {@code dr},
   * the {@code temporal} CLI, the AWS CLI and psql. Mode 600: it holds the stack's passwords.
   */
  public Path writeEnv() throws IOException {
    Path file = dir.resolve(ENV_FILE);
    String first = LocalPlan.approvers(plan).get(0);
    StringBuilder sb = new StringBuilder();
    sb.append("# The local stack (dr local up / dr demo --keep-running). Use it from a shell:\n")
        .append("#   source ").append(dir).append('/').append(ENV_FILE).append('\n')
        .append("# Valid while the stack runs: its ports change at every start.\n");
    Map<String, String> vars = new java.util.LinkedHashMap<>();
    vars.put("TEMPORAL_ADDRESS", temporal.target());
    vars.put("TEMPORAL_NAMESPACE", temporal.namespace());
    vars.put("TEMPORAL_CODEC_ENDPOINT", codec.url());
    temporal.uiUrl().ifPresent(u -> vars.put("DR_LOCAL_WEB_UI", u));
    vars.put("DR_PLAN", dir.resolve(PLAN_FILE).toAbsolutePath().toString());
    vars.put("DR_TASK_QUEUE", worker.taskQueue());
    vars.put(PayloadKeys.KEYS_FILE_ENV, dir.resolve("payload-keys").toAbsolutePath().toString());
    vars.put("DR_SIGNING_KEY", approverKeys.key(first).toAbsolutePath().toString());
    vars.put("AWS_ACCESS_KEY_ID", s3.accessKey());
    vars.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
    vars.put("AWS_REGION", LocalS3.REGION);
    vars.put("AWS_ENDPOINT_URL", s3.endpoint());
    vars.put("PGHOST", pg.host());
    vars.put("PGPORT", String.valueOf(pg.port()));
    vars.put("PGUSER", pg.superuser());
    vars.put("PGPASSWORD", pg.password());
    vars.put("PGDATABASE", LocalPlan.DATABASE);
    for (Map.Entry<String, String> e : vars.entrySet()) {
      if (e.getKey().equals("DR_SIGNING_KEY")) {
        sb.append("# dr approve signs with it (").append(first).append("'s key); another approver:"
            + " --key ").append(dir.resolve("keys")).append("/NAME\n");
      }
      sb.append("export ").append(e.getKey()).append('=').append(shellQuote(e.getValue())).append('\n');
    }
    Files.createDirectories(dir);
    Files.writeString(file, sb.toString());
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the file keeps its default mode
    }
    return file;
  }

  /** The three commands that use the stack, as printed after it starts. */
  public List<String> howToUse() {
    return List.of("source " + dir.resolve(ENV_FILE) + "      # TEMPORAL_ADDRESS, DR_PLAN, AWS_*, PGPASSWORD, ...",
        "./dr backups list",
        "temporal workflow list");
  }

  private static String shellQuote(String v) {
    return v.matches("[A-Za-z0-9_./:@,+=-]+") ? v : "'" + v.replace("'", "'\\''") + "'";
  }

  /**
   * The payload keys: the environment's (DR_PAYLOAD_KEYS / DR_PAYLOAD_KEY), else a key file in
   * the stack's directory, made on the first run and kept (the dev server's history in
   * temporal.db outlives a run, and stays readable in the Web UI with the same key).
   */
  private PayloadKeys payloadKeys() throws IOException {
    PayloadKeys env = PayloadKeys.fromEnvironment();
    return env.enabled() ? env : PayloadKeys.createIfMissing(dir.resolve("payload-keys"), "demo");
  }

  private boolean databaseExists(String name) throws Exception {
    try (Connection c = pg.connect("postgres");
        var st = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      st.setString(1, name);
      try (var r = st.executeQuery()) {
        return r.next();
      }
    }
  }

  /** A drill run again starts from the same sample: the previous run's data and copies go. */
  private static void resetSample(LocalPostgres pg, Path uploads) throws Exception {
    try (Connection c = pg.connect("postgres");
        var r = c.createStatement().executeQuery(
            "SELECT datname FROM pg_database WHERE datname LIKE '" + LocalPlan.DATABASE + "%'")) {
      List<String> names = new ArrayList<>();
      while (r.next()) {
        names.add(r.getString(1));
      }
      names.forEach(pg::dropDatabase);
    }
    Path parent = uploads.toAbsolutePath().getParent();
    if (Files.isDirectory(parent)) {
      try (var s = Files.list(parent)) {
        for (Path p : s.filter(p -> p.getFileName().toString().startsWith("uploads")).toList()) {
          deleteTree(p);
        }
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  public Path dir() {
    return dir;
  }

  public LocalPostgres pg() {
    return pg;
  }

  public LocalS3 s3() {
    return s3;
  }

  public LocalTemporal temporal() {
    return temporal;
  }

  public CodecServer codec() {
    return codec;
  }

  public DemoApplication app() {
    return app;
  }

  public S3Clients clients() {
    return clients;
  }

  public TemporalConnection connection() {
    return connection;
  }

  public WorkflowClient client() {
    return client;
  }

  public ApproverKeys approverKeys() {
    return approverKeys;
  }

  public DrPlan plan() {
    return plan;
  }

  public LocalWorker worker() {
    return worker;
  }

  public Path uploads() {
    return uploads;
  }

  /** Stops everything, in the reverse order of starting (the worker first). */
  @Override
  public void close() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        System.err.println("LocalStack: closing " + open.get(i).getClass().getSimpleName()
            + " failed: " + e);
      }
    }
    open.clear();
  }
}
