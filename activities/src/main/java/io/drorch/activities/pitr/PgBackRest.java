package io.drorch.activities.pitr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drorch.activities.common.Heartbeats;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.PitrSettings;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * pgBackRest for one plan: its configuration file (written from the plan and the worker's AWS
 * credentials, never from a workflow payload) and its commands, run as the cluster's OS user.
 * The repository is the plan's bucket under {@code PREFIX/pgbackrest}.
 */
public final class PgBackRest {
  /** The binary: env {@code DR_PGBACKREST}, else {@code pgbackrest} on PATH. */
  static final String BINARY_ENV = "DR_PGBACKREST";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DatabaseTarget database;
  private final PitrSettings pitr;
  private final StorageTarget storage;

  public PgBackRest(DatabaseTarget database, StorageTarget storage) {
    if (database == null || database.pitr() == null) {
      throw DrError.BAD_INPUT.failure("the plan has no database.pitr section: add one (see the"
          + " README, 'Point-in-time recovery') and run `dr pitr setup`");
    }
    this.database = database;
    this.pitr = database.pitr();
    this.storage = storage;
  }

  public PitrSettings settings() {
    return pitr;
  }

  public String stanza() {
    return pitr.stanza();
  }

  public Path configFile() {
    return Path.of(pitr.configFile() != null ? pitr.configFile()
        : PlanDefaults.pitrConfigFile(pitr.stanza()));
  }

  /** The repository path inside the bucket, with a leading slash: {@code /PREFIX/pgbackrest}. */
  public String repoPath() {
    return "/" + BackupKeys.root(storage) + PlanDefaults.PITR_REPO_FOLDER;
  }

  /** {@code s3://bucket/PREFIX/pgbackrest}, for people. */
  public String repoUrl() {
    return "s3://" + storage.bucket() + repoPath();
  }

  /** What the server's {@code archive_command} must be. */
  public String archiveCommand() {
    return binary() + " --config=" + configFile() + " --stanza=" + stanza() + " archive-push %p";
  }

  /** The endpoint pgBackRest uses: {@code repo-endpoint}, else the storage endpoint, else AWS. */
  URI endpoint() {
    String e = pitr.repoEndpoint() != null ? pitr.repoEndpoint() : storage.endpoint();
    if (e == null) {
      return URI.create("https://s3." + storage.region() + ".amazonaws.com");
    }
    URI uri = URI.create(e);
    if (!"https".equals(uri.getScheme())) {
      throw DrError.BAD_INPUT.failure("pgBackRest's S3 driver speaks only HTTPS, and the"
          + " repository endpoint is " + e + ": serve the S3 server over TLS and set"
          + " database.pitr.repo-endpoint to its https:// URL");
    }
    return uri;
  }

  /** The configuration file's text (holds the S3 keys: written mode 600). */
  String configText(AwsCredentials credentials) {
    URI endpoint = endpoint();
    Map<String, String> global = new LinkedHashMap<>();
    global.put("repo1-type", "s3");
    global.put("repo1-path", repoPath());
    global.put("repo1-s3-bucket", storage.bucket());
    global.put("repo1-s3-region", storage.region());
    global.put("repo1-s3-endpoint", endpoint.getHost());
    if (endpoint.getPort() > 0) {
      global.put("repo1-storage-port", String.valueOf(endpoint.getPort()));
    }
    if (storage.pathStyle()) {
      global.put("repo1-s3-uri-style", "path");
    }
    global.put("repo1-s3-key", credentials.accessKeyId());
    global.put("repo1-s3-key-secret", credentials.secretAccessKey());
    if (credentials instanceof AwsSessionCredentials session) {
      global.put("repo1-s3-token", session.sessionToken());
    }
    global.put("repo1-retention-full-type", "time");
    global.put("repo1-retention-full", String.valueOf(pitr.fullRetentionDays()));
    if (pitr.repoOptions() != null) {
      new java.util.TreeMap<>(pitr.repoOptions()).forEach((k, v) -> global.put("repo1-" + k, v));
    }
    Path dir = configFile().getParent();
    global.put("compress-type", "zst");
    global.put("process-max", "2");
    global.put("start-fast", "y");
    global.put("log-path", dir.resolve("log").toString());
    global.put("lock-path", dir.resolve("lock").toString());
    global.put("spool-path", dir.resolve("spool").toString());
    global.put("log-level-console", "warn");
    global.put("log-level-stderr", "warn");
    global.put("log-level-file", "info");
    StringBuilder b = new StringBuilder("# written by dr pitr setup from the plan; holds the S3 keys\n[global]\n");
    global.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
    b.append('\n').append('[').append(stanza()).append("]\n");
    b.append("pg1-path=").append(pitr.dataDirectory()).append('\n');
    b.append("pg1-socket-path=").append(pitr.socketDirectory()).append('\n');
    b.append("pg1-port=").append(database.port()).append('\n');
    b.append("pg1-user=").append(pitr.osUser()).append('\n');
    return b.toString();
  }

  /**
   * Writes the configuration (mode 600) and its log/lock/spool directories, owned by the OS user
   * when running as root. Idempotent.
   */
  public void writeConfig(AwsCredentials credentials) {
    Path file = configFile();
    Path dir = file.getParent();
    try {
      Files.createDirectories(dir);
      for (String sub : List.of("log", "lock", "spool")) {
        Files.createDirectories(dir.resolve(sub));
      }
      Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, configText(credentials), StandardCharsets.UTF_8);
      if (asOtherUser()) {
        chown(dir, "log", "lock", "spool", "." + file.getFileName() + ".tmp");
        chown(dir);
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw DrError.BAD_INPUT.failure("cannot write the pgBackRest configuration " + file + ": "
          + e.getMessage() + ". Set database.pitr.config-file to a path the worker can write and"
          + " the cluster's OS user (" + pitr.osUser() + ") can read.");
    }
  }

  private void chown(Path dir, String... names) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("chown", pitr.osUser() + ":"));
    if (names.length == 0) {
      cmd.add(dir.toString());
    }
    for (String n : names) {
      cmd.add(dir.resolve(n).toString());
    }
    Result r = exec(cmd, null, null);
    if (r.exitCode() != 0) {
      throw new IOException("chown " + pitr.osUser() + " failed: " + r.output().strip());
    }
  }

  /** True when we are root and the cluster's OS user is another user: run through runuser. */
  boolean asOtherUser() {
    return "root".equals(System.getProperty("user.name"))
        && !"root".equals(pitr.osUser());
  }

  static String binary() {
    String b = System.getenv(BINARY_ENV);
    return b == null || b.isBlank() ? "pgbackrest" : b.strip();
  }

  /** The output and exit code of one command. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** The last lines, for messages. */
    public String tail() {
      String[] lines = output.strip().split("\n");
      return String.join("\n", java.util.Arrays.asList(lines)
          .subList(Math.max(0, lines.length - 6), lines.length));
    }
  }

  /**
   * Runs {@code pgbackrest --config=F --stanza=S ARGS} as the cluster's OS user. Inside an
   * activity it heartbeats {@code progress} every 2 s; a cancellation kills the command.
   */
  public Result run(Supplier<Object> progress, String... args) {
    List<String> cmd = new ArrayList<>();
    if (asOtherUser()) {
      cmd.addAll(List.of("runuser", "-u", pitr.osUser(), "--"));
    }
    cmd.add(binary());
    cmd.add("--config=" + configFile());
    cmd.add("--stanza=" + stanza());
    cmd.addAll(List.of(args));
    return exec(cmd, Heartbeats.context().orElse(null), progress);
  }

  /** {@code pgbackrest version} (no stanza, no configuration needed). */
  public Result version() {
    try {
      return exec(List.of(binary(), "version"), null, null);
    } catch (io.temporal.failure.ApplicationFailure e) {
      return new Result(127, e.getOriginalMessage());
    }
  }

  /** {@code pgbackrest info --output=json} for the stanza (its first element), or null. */
  public JsonNode info() {
    Result r = run(() -> "info", "--output=json", "info");
    if (!r.ok()) {
      throw DrError.STORAGE_UNAVAILABLE.failure("pgbackrest info failed (exit " + r.exitCode()
          + "): " + r.tail());
    }
    try {
      int start = r.output().indexOf('[');
      JsonNode all = JSON.readTree(start < 0 ? r.output() : r.output().substring(start));
      return all.isArray() && all.size() > 0 ? all.get(0) : null;
    } catch (IOException e) {
      throw DrError.STORAGE_UNAVAILABLE.failure("pgbackrest info printed no JSON: " + r.tail());
    }
  }

  private static Result exec(List<String> cmd, ActivityExecutionContext ctx,
      Supplier<Object> progress) {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.directory(Path.of("/").toFile());
    Process p;
    try {
      p = pb.start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw DrError.TOOL_MISSING.failure("cannot run " + cmd.get(0) + ": " + e.getMessage()
          + (cmd.contains("pgbackrest") || cmd.get(0).endsWith("pgbackrest")
              ? ". Install pgBackRest (apt-get install pgbackrest) or set " + BINARY_ENV : ""));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
          synchronized (out) {
            if (out.size() < 4 * 1024 * 1024) {
              out.write(buf, 0, n);
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "pgbackrest-output");
    reader.setDaemon(true);
    reader.start();
    try {
      while (!p.waitFor(Heartbeats.INTERVAL_MS, TimeUnit.MILLISECONDS)) {
        if (ctx != null) {
          try {
            ctx.heartbeat(progress == null ? null : progress.get());
          } catch (ActivityCompletionException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw e;
          }
        }
      }
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while " + String.join(" ", cmd) + " ran", e);
    }
    String text;
    synchronized (out) {
      text = out.toString(StandardCharsets.UTF_8);
    }
    return new Result(p.exitValue(), text);
  }

  static void requireOk(Result r, String what) {
    if (!r.ok()) {
      throw DrError.STORAGE_UNAVAILABLE.failure(what + " failed (exit " + r.exitCode() + "): "
          + r.tail());
    }
  }
}
