package io.drorch.starter.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.LocalPostgres;
import io.drorch.local.LocalS3;
import io.drorch.local.LocalTemporal;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.cli.DrCommand;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/compose-smoke.sh}, the docker-compose stack's smoke test (backup, disaster,
 * recovery with approvals, verification), run against the local stack. docker-compose.yml's
 * services are played by local processes, each with its environment and command from the compose
 * file interpolated with .env.example: app-db by a PostgreSQL cluster with the compose user and
 * password, MinIO by S3Proxy with the MinIO keys and minio-init's bucket and seeded environment
 * file, Temporal by the dev server, and {@code dr sample app}, {@code dr sample webhook} and
 * {@code dr worker} by the same commands in child JVMs. The worker loads the same dr-plan.yaml;
 * the script runs its {@code dr} commands with the worker's environment, as {@code docker compose
 * exec worker} does.
 *
 * <p>What differs, and only that: where a service is (a container's {@code app-db:5432} is
 * 127.0.0.1 and a free port here), and container paths, which live under a temporary directory
 * ({@code /etc/ai-docs/app.env} is {@code TMP/etc/ai-docs/app.env}); what the Dockerfile copies
 * into the image ({@code /app/sample}, {@code /opt/ai-docs/deploy.sh}) is linked there from the
 * repository, and files the compose file mounts are copied there with the same translation.
 */
class ComposeSmokeTest {
  /** The container paths of the stack: the image's and the volumes'. */
  private static final Pattern CONTAINER_PATH =
      Pattern.compile("(?<![\\w./])/(app|etc/ai-docs|opt/ai-docs|var/tmp|seed)(?![\\w.-])(/[^\\s\"',\\]}]*)?");

  /** The script's default SMOKE_MONITOR_WINDOW. */
  private static final String MONITOR_WINDOW = "30s";

  private final List<Process> processes = new ArrayList<>();
  private final List<AutoCloseable> servers = new ArrayList<>();
  private Path root;

  private ComposeProject project;
  private final Map<String, String> services = new LinkedHashMap<>(); // "app-db:5432" -> "127.0.0.1:P"

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    for (int i = servers.size() - 1; i >= 0; i--) {
      servers.get(i).close();
    }
    if (root != null) {
      TestStack.deleteTree(root);
    }
  }

  // ---- the translation: service addresses and container paths -------------------------------

  /** A value of the compose file (an environment value, a command argument, a file's text). */
  String local(String value) {
    String v = value;
    for (Map.Entry<String, String> s : services.entrySet()) {
      v = v.replace(s.getKey(), s.getValue());
    }
    Matcher m = CONTAINER_PATH.matcher(v);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(root + m.group()));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** An environment: *_HOST and *_PORT variables that name a service are translated too. */
  Map<String, String> local(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> {
      String value = local(v);
      for (Map.Entry<String, String> s : services.entrySet()) {
        String[] container = s.getKey().split(":");
        String[] here = s.getValue().split(":");
        if (k.endsWith("_HOST") && v.equals(container[0])) {
          value = here[0];
        }
        if (k.endsWith("_PORT") && v.equals(container[1])
            && env.values().stream().anyMatch(other -> other.equals(container[0]))) {
          value = here[1];
        }
      }
      out.put(k, value);
    });
    return out;
  }

  /** An environment file (KEY=VALUE lines) with its values translated as an environment. */
  private String localEnvFile(Path file) throws IOException {
    Map<String, String> values = local(ComposeProject.readEnvFile(file));
    StringBuilder sb = new StringBuilder();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      String key = eq > 0 && !line.startsWith("#") ? line.substring(0, eq).trim() : null;
      sb.append(key != null && values.containsKey(key) ? key + "=" + values.get(key) : line)
          .append('\n');
    }
    return sb.toString();
  }

  /** The image's files (linked from the repository) and a service's mounted files (translated). */
  private void installFiles(String service) throws IOException {
    for (Map.Entry<String, Path> f : project.imageFiles().entrySet()) {
      Path at = Path.of(root + f.getKey().replaceAll("/$", ""));
      if (!Files.exists(at, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(at.getParent());
        Files.createSymbolicLink(at, f.getValue());
      }
    }
    for (Map.Entry<String, Path> bind : project.binds(service).entrySet()) {
      Path at = Path.of(root + bind.getKey());
      if (Files.isRegularFile(bind.getValue())) {
        Files.createDirectories(at.getParent());
        Files.writeString(at, bind.getKey().endsWith(".env")
            ? localEnvFile(bind.getValue()) : local(Files.readString(bind.getValue())));
      }
    }
    Files.createDirectories(Path.of(root + project.workdir()));
  }

  /**
   * A throwaway key for {@code approver}, its public half put in place of the approver's line in
   * the worker's mounted allowed_signers (the shipped file holds placeholder keys), as the README
   * tells a compose user to do before running the smoke script.
   */
  private Path approverKey(String approver) throws Exception {
    Path key = root.resolve("keys").resolve(approver);
    Files.createDirectories(key.getParent());
    Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", approver,
        "-f", key.toString()).redirectErrorStream(true).start();
    assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
    String pub = Files.readString(Path.of(key + ".pub")).trim();
    Path signers = Path.of(root + "/app/allowed_signers");
    StringBuilder sb = new StringBuilder();
    for (String line : Files.readAllLines(signers)) {
      sb.append(line.startsWith(approver + " ")
          ? approver + " namespaces=\"dr-approval\" " + pub : line).append('\n');
    }
    Files.writeString(signers, sb.toString());
    return key;
  }

  // ---- the services -------------------------------------------------------------------------

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private List<String> dr(String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** A service's command in a child JVM: `java -cp … DrCommand ARGS` (the image's entrypoint). */
  private Process run(String name, List<String> args, Map<String, String> env) throws IOException {
    List<String> cmd = new ArrayList<>(dr("-Dlogback.configurationFile=logback.xml",
        DrCommand.class.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of(root + project.workdir()).toFile())
        .redirectErrorStream(true).redirectOutput(root.resolve(name + ".log").toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private void awaitReady(String name, Process p, String url) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Waits.await(name + " healthy at " + url + " (log: " + log(name) + ")", Duration.ofMinutes(3),
        () -> {
          assertTrue(p.isAlive(), name + " exited: " + log(name));
          try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          } catch (IOException | InterruptedException notYet) {
            return false;
          }
        });
  }

  private String log(String name) {
    try {
      return Files.readString(root.resolve(name + ".log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** The healthcheck's URL of a service, on its port here. */
  private String healthUrl(String service) {
    String test = project.service(service).get("healthcheck").get("test").toString();
    Matcher m = Pattern.compile("http://localhost:(\\d+)(/[\\w/]*)").matcher(test);
    assertTrue(m.find(), test);
    return "http://" + services.get(service + ":" + m.group(1)) + m.group(2);
  }

  @Test
  void theComposeSmokeScriptRecoversTheStackWithThePlanValuesOfTheComposeFile() throws Exception {
    project = ComposeProject.read();
    root = Files.createTempDirectory("dr-compose-smoke-");
    Map<String, String> dotEnv = project.envExample;

    // app-db: the postgres image's POSTGRES_USER (a superuser) and POSTGRES_DB
    Map<String, String> appDb = project.environment("app-db");
    LocalPostgres pg = LocalPostgres.start(root.resolve("local/app-db"));
    servers.add(pg);
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE \"" + appDb.get("POSTGRES_USER") + "\" SUPERUSER LOGIN PASSWORD '"
          + appDb.get("POSTGRES_PASSWORD") + "'");
      st.execute("CREATE DATABASE \"" + appDb.get("POSTGRES_DB") + "\" OWNER \""
          + appDb.get("POSTGRES_USER") + "\"");
    }
    services.put("app-db:5432", "127.0.0.1:" + pg.port());

    // minio with the MinIO root keys; minio-init's bucket and seeded environment file
    Map<String, String> minio = project.environment("minio");
    Path s3dir = Files.createDirectories(root.resolve("local/minio"));
    Files.writeString(s3dir.resolve("credentials.properties"), "accessKey="
        + minio.get("MINIO_ROOT_USER") + "\nsecretKey=" + minio.get("MINIO_ROOT_PASSWORD") + "\n");
    LocalS3 s3 = LocalS3.start(s3dir);
    servers.add(s3);
    services.put("minio:9000", s3.endpoint().replace("http://", ""));

    // temporal (the namespace's search attributes: the script's `dr temporal setup`)
    LocalTemporal temporal = LocalTemporal.startRealServer(root.resolve("local/temporal"));
    servers.add(temporal);
    services.put("temporal:7233", temporal.target());
    services.put("app:8080", "127.0.0.1:" + freePort());
    services.put("webhook:8099", "127.0.0.1:" + freePort());

    Map<String, String> init = project.environment("minio-init");
    installFiles("minio-init");
    s3.createBucket(init.get("BUCKET"));
    s3.client().putObject(b -> b.bucket(init.get("BUCKET")).key(init.get("ENV_KEY")),
        Path.of(root + "/seed/ai-docs.env"));

    // app and webhook: `dr sample app|webhook`, on their ports here
    installFiles("app");
    List<String> appCommand = new ArrayList<>(project.command("app").stream().map(this::local).toList());
    appCommand.set(appCommand.indexOf("--port") + 1, services.get("app:8080").split(":")[1]);
    Process app = run("app", appCommand, local(project.environment("app")));
    List<String> hookCommand = new ArrayList<>(project.command("webhook"));
    hookCommand.set(hookCommand.indexOf("--port") + 1, services.get("webhook:8099").split(":")[1]);
    Process webhook = run("webhook", hookCommand, local(project.environment("webhook")));
    awaitReady("app", app, healthUrl("app"));
    awaitReady("webhook", webhook, healthUrl("webhook"));

    // the worker: the image's CMD, its environment, the plan and the files it mounts; started as
    // the script starts the stack: `DR_APP_MONITOR_WINDOW=$SMOKE_MONITOR_WINDOW docker compose up`
    // (a variable of the shell wins over .env)
    installFiles("worker");
    Path approverKey = approverKey("alice");
    Map<String, String> shell = new LinkedHashMap<>(dotEnv);
    shell.put("DR_APP_MONITOR_WINDOW", MONITOR_WINDOW);
    Map<String, String> workerEnv = local(project.withEnv(shell).environment("worker"));
    assertEquals(MONITOR_WINDOW, workerEnv.get("DR_APP_MONITOR_WINDOW"));
    workerEnv.put("DR_METRICS_PORT", String.valueOf(freePort()));
    Process worker = run("worker", List.of("worker"), workerEnv);
    awaitReady("worker", worker, "http://127.0.0.1:" + workerEnv.get("DR_METRICS_PORT") + "/metrics");

    // the script: `dr` with the worker's environment, SQL on app-db, the rest on this host
    Map<String, String> scriptEnv = new LinkedHashMap<>(workerEnv);
    scriptEnv.putAll(Map.of(
        "SMOKE_UP", "0",
        "DR", String.join(" ", dr(DrCommand.class.getName())),
        "SQL", "psql -v ON_ERROR_STOP=1 -qAt -h 127.0.0.1 -p " + pg.port() + " -U "
            + dotEnv.get("APP_DB_USER"),
        "ON_WORKER", "",
        "APP_URL", local("http://app:8080"),
        "WEBHOOK_URL", local("http://webhook:8099"),
        "UPLOADS_DIR", local("/app/data/uploads"),
        "APP_ENV_FILE", local("/etc/ai-docs/app.env"),
        "INCIDENT", "SMOKE-LOCAL",
        "SMOKE_MONITOR_WINDOW", MONITOR_WINDOW));
    scriptEnv.put("APPROVER_KEY", approverKey.toString());
    scriptEnv.put("APP_DB_NAME", dotEnv.get("APP_DB_NAME"));
    scriptEnv.put("APP_DB_USER", dotEnv.get("APP_DB_USER"));
    Path out = root.resolve("smoke.out");
    ProcessBuilder pb = new ProcessBuilder("bash", project.root.resolve("deploy/compose-smoke.sh")
        .toString()).directory(Path.of(root + project.workdir()).toFile())
        .redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(scriptEnv);
    Process smoke = pb.start();
    processes.add(smoke);
    boolean ended = smoke.waitFor(15, TimeUnit.MINUTES);
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertTrue(ended, "the smoke script did not end within 15 min:\n" + text);
    assertEquals(0, smoke.exitValue(), text + "\n--- worker log:\n" + tail(log("worker")));

    assertTrue(text.contains("SMOKE OK: SMOKE-LOCAL recovered in the stack, data verified"), text);
    assertTrue(text.contains("data identical to before the disaster"), text);
    assertTrue(text.contains("application down: "), text);
    assertTrue(text.contains("SMOKE-LOCAL RECOVERED in "), text);
    assertTrue(Files.readString(project.root.resolve("deploy/compose-smoke.sh"))
        .contains("SMOKE_MONITOR_WINDOW=\"${SMOKE_MONITOR_WINDOW:-" + MONITOR_WINDOW + "}\""));
    // the recovery really used the compose plan: the deploy hook script, the app's environment
    assertTrue(text.contains("app-deploy") && text.contains("/opt/ai-docs/deploy.sh"), text);
    assertTrue(Files.readString(Path.of(local("/etc/ai-docs/app.env"))).contains("DATABASE_NAME="
        + dotEnv.get("APP_DB_NAME")));
    assertTrue(log("app").contains("installed: "), log("app"));
  }

  private static String tail(String s) {
    List<String> lines = s.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
