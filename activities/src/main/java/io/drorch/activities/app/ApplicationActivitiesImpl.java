package io.drorch.activities.app;

import io.drorch.activities.common.Heartbeats;
import io.drorch.activities.common.Json;
import io.drorch.activities.common.Redact;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageErrors;
import io.drorch.workflows.app.ApplicationActivities;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.DeployInput;
import io.drorch.workflows.contracts.commands.EnvironmentInput;
import io.drorch.workflows.contracts.commands.HealthInput;
import io.drorch.workflows.contracts.commands.MonitorInput;
import io.drorch.workflows.contracts.plan.DeployHook;
import io.drorch.workflows.contracts.plan.EnvironmentSource;
import io.drorch.workflows.contracts.plan.HealthCheck;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.DeployResult;
import io.drorch.workflows.contracts.values.EnvironmentResult;
import io.drorch.workflows.contracts.values.HealthResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application recovery's side effects on the worker's host.
 *
 * <ul>
 *   <li>{@link #deploy}: not idempotent by itself: the plan's deploy hook must be (deploying the
 *       latest version twice is harmless); it is run again only when the workflow retries it.
 *   <li>{@link #restoreEnvironment}: idempotent (the same source gives the same file).
 *   <li>{@link #awaitHealthy}, {@link #monitor}: read-only; a retried attempt continues the same
 *       deadline / window from its heartbeat details.
 * </ul>
 */
public class ApplicationActivitiesImpl implements ApplicationActivities {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationActivitiesImpl.class);

  static final Duration DEFAULT_DEPLOY_TIMEOUT = Duration.ofMinutes(10);
  static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofMinutes(5);
  static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(2);
  static final int DEFAULT_EXPECT_STATUS = 200;
  static final int DEFAULT_MAX_FAILURES = 3;
  static final int TAIL_LINES = 20;
  /** An env file is small; anything bigger is not one. */
  static final int MAX_ENV_BYTES = 1024 * 1024;
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  private static final long BEAT_MS = 2_000;
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

  private final S3Clients s3;
  private final HttpClient http;

  public ApplicationActivitiesImpl(S3Clients s3) {
    this.s3 = s3;
    this.http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  // --- deploy ------------------------------------------------------------------------------------

  @Override
  public DeployResult deploy(DeployInput input) {
    DeployHook hook = input == null ? null : input.hook();
    boolean hasCommand = hook != null && hook.command() != null && !hook.command().isEmpty();
    boolean hasUrl = hook != null && hook.url() != null && !hook.url().isBlank();
    if (hasCommand == hasUrl) {
      throw DrError.BAD_INPUT.failure("The deploy hook needs exactly one of command or url"
          + " (deployment.deploy in dr-plan.yaml); check it with `dr plan validate`.");
    }
    Duration timeout = positiveOr(hook.timeout(), DEFAULT_DEPLOY_TIMEOUT);
    return hasCommand
        ? deployByCommand(hook.command(), input.incidentId(), timeout)
        : deployByUrl(hook.url(), hook.method(), input.incidentId(), timeout);
  }

  private DeployResult deployByCommand(List<String> command, String incidentId, Duration timeout) {
    if (command.stream().anyMatch(a -> a == null)) {
      throw DrError.BAD_INPUT.failure("The deploy command has an empty argument: " + command);
    }
    String program = command.get(0);
    long start = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (incidentId != null) {
      pb.environment().put("DR_INCIDENT_ID", incidentId);
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw DrError.APP_DEPLOY_FAILED.failure("Deploy command " + program + " could not be started: "
          + e.getMessage() + ". Check deployment.deploy.command in dr-plan.yaml and that the"
          + " program exists and is executable on the worker's host.", e);
    }
    LOG.info("Deploying with {} (timeout {})", command, timeout);
    LineTail output = LineTail.start(p.getInputStream(), TAIL_LINES, "deploy-output");
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // the child does not read its input
    }
    Optional<ActivityExecutionContext> ctx = Heartbeats.context();
    boolean finished = false;
    try {
      long deadline = start + timeout.toNanos();
      while (!finished) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        finished = p.waitFor(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, BEAT_MS),
            TimeUnit.MILLISECONDS);
        long elapsed = millisSince(start);
        ctx.ifPresent(c -> c.heartbeat(elapsed));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    } finally {
      if (!finished) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
    if (!finished) {
      throw DrError.APP_DEPLOY_FAILED.failure("Deploy command " + program + " did not finish within "
          + timeout + " and was killed. Output (last lines):\n" + orNone(output.text(Duration.ofSeconds(2)))
          + "\nRaise deployment.deploy.timeout or fix the deploy.");
    }
    String tail = output.text(Duration.ofSeconds(5));
    int exit = p.exitValue();
    if (exit != 0) {
      throw DrError.APP_DEPLOY_FAILED.failure("Deploy command " + program + " failed with exit code "
          + exit + ". Output (last lines):\n" + orNone(tail));
    }
    return new DeployResult(exit, tail, millisSince(start));
  }

  private DeployResult deployByUrl(String url, String method, String incidentId, Duration timeout) {
    String m = method == null || method.isBlank() ? "POST" : method.trim().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(m)) {
      throw DrError.BAD_INPUT.failure("Deploy hook method " + m + " is not one of " + METHODS);
    }
    URI uri = httpUri(url, "deployment.deploy.url");
    long start = System.nanoTime();
    HttpRequest.BodyPublisher body = m.equals("GET") || m.equals("DELETE")
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(Json.bytes(java.util.Map.of(
            "incident", incidentId == null ? "" : incidentId, "event", "deploy")));
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .method(m, body)
        .build();
    LOG.info("Deploying with {} {} (timeout {})", m, Redact.url(url), timeout);
    CompletableFuture<HttpResponse<InputStream>> future =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
    Optional<ActivityExecutionContext> ctx = Heartbeats.context();
    HttpResponse<InputStream> response;
    try {
      while (true) {
        try {
          response = future.get(BEAT_MS, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException stillWaiting) {
          long elapsed = millisSince(start);
          ctx.ifPresent(c -> c.heartbeat(elapsed));
        }
      }
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw DrError.APP_DEPLOY_FAILED.failure("Deploy hook " + m + " " + Redact.url(url)
          + " failed: " + describe(cause) + ". Check deployment.deploy.url and that the deploy"
          + " service is reachable from the worker.", cause);
    } catch (RuntimeException e) {
      future.cancel(true);
      throw e;
    }
    String tail = LineTail.read(limited(response.body()), TAIL_LINES).snapshot();
    int status = response.statusCode();
    if (status / 100 != 2) {
      throw DrError.APP_DEPLOY_FAILED.failure("Deploy hook " + m + " " + Redact.url(url)
          + " answered HTTP " + status + ". Response (last lines):\n" + orNone(tail));
    }
    return new DeployResult(status, tail, millisSince(start));
  }

  // --- environment -------------------------------------------------------------------------------

  @Override
  public EnvironmentResult restoreEnvironment(EnvironmentInput input) {
    EnvironmentSource source = input == null ? null : input.source();
    if (source == null || source.from() == null || source.from().isBlank()
        || source.to() == null || source.to().isBlank()) {
      throw DrError.BAD_INPUT.failure("The environment source needs from and to"
          + " (deployment.environment in dr-plan.yaml).");
    }
    Path to = Path.of(source.to());
    if (!to.isAbsolute()) {
      throw DrError.BAD_INPUT.failure("deployment.environment.to must be an absolute path: " + to);
    }
    byte[] content = source.from().startsWith("s3:")
        ? readFromStorage(source.from().substring(3), input.storage())
        : readFromFile(source.from());
    List<String> names = EnvFile.names(new String(content, StandardCharsets.UTF_8));
    Path kept = keptEnvFile(to, input.incidentId());
    try {
      keep(to, kept);
      writeAtomically(to, content);
    } catch (IOException e) {
      throw DrError.BAD_INPUT.failure("Cannot write the environment file " + to + " (keeping the"
          + " current one as " + kept + "): " + e + ". The worker needs write access to its"
          + " directory.", e);
    }
    LOG.info("Restored environment {} -> {} ({} variables: {}); previous kept as {}",
        source.from(), to, names.size(), names, Files.exists(kept) ? kept : "(there was none)");
    return new EnvironmentResult(to.toString(), names, Files.exists(kept) ? kept.toString() : null);
  }

  private byte[] readFromStorage(String relativeKey, StorageTarget storage) {
    if (storage == null) {
      throw DrError.BAD_INPUT.failure("An s3: environment source needs the plan's storage");
    }
    String key = BackupKeys.root(storage) + relativeKey.replaceAll("^/+", "");
    Optional<byte[]> bytes;
    try {
      bytes = s3.store(storage).readSmall(key);
    } catch (RuntimeException e) {
      throw StorageErrors.translate(e, storage, "read the environment file s3://" + storage.bucket()
          + "/" + key);
    }
    byte[] content = bytes.orElseThrow(() -> DrError.ENV_SOURCE_MISSING.failure(
        "The environment file s3://" + storage.bucket() + "/" + key + " does not exist. Upload it"
            + " (e.g. `aws s3 cp app.env s3://" + storage.bucket() + "/" + key + "`) or fix"
            + " deployment.environment.from in dr-plan.yaml."));
    return checkedSize(content, "s3://" + storage.bucket() + "/" + key);
  }

  private static byte[] readFromFile(String from) {
    Path path = Path.of(from);
    if (!path.isAbsolute()) {
      throw DrError.BAD_INPUT.failure(
          "deployment.environment.from must be s3:KEY or an absolute path: " + from);
    }
    if (!Files.isRegularFile(path)) {
      throw DrError.ENV_SOURCE_MISSING.failure("The environment file " + path + " does not exist"
          + (Files.exists(path) ? " as a regular file" : "") + " on the worker's host. Put it there"
          + " or fix deployment.environment.from in dr-plan.yaml.");
    }
    try {
      if (Files.size(path) > MAX_ENV_BYTES) {
        throw tooBig(path.toString());
      }
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw DrError.ENV_SOURCE_MISSING.failure("The environment file " + path
          + " cannot be read by the worker: " + e.getClass().getSimpleName(), e);
    }
  }

  private static byte[] checkedSize(byte[] content, String where) {
    if (content.length > MAX_ENV_BYTES) {
      throw tooBig(where);
    }
    return content;
  }

  private static ApplicationFailure tooBig(String where) {
    return DrError.BAD_INPUT.failure("The environment file " + where + " is larger than "
        + MAX_ENV_BYTES + " bytes; it is not an env file.");
  }

  /** {@code <to>.pre-<incident>}: where the file a recovery replaces is kept. */
  static Path keptEnvFile(Path to, String incidentId) {
    String tag = incidentId == null || !incidentId.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
        ? "recovery" : incidentId;
    return to.resolveSibling(to.getFileName() + ".pre-" + tag);
  }

  /**
   * Keeps the current {@code to} as {@code kept} (mode 600: it holds secrets; written atomically)
   * unless it was kept already: a retry after the replacement must not keep the restored file as
   * "previous".
   */
  static void keep(Path to, Path kept) throws IOException {
    if (Files.exists(kept, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(to)) {
      return;
    }
    writeAtomically(kept, Files.readAllBytes(to));
  }

  /** Temp file (mode 600 from its creation) in the same directory, fsync, then an atomic rename. */
  static void writeAtomically(Path to, byte[] content) throws IOException {
    Path dir = to.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, "." + to.getFileName() + ".", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      tmp = Files.createTempFile(dir, "." + to.getFileName() + ".", ".tmp");
    }
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        var buf = java.nio.ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  // --- health ------------------------------------------------------------------------------------

  /** Heartbeat details of the health activities: a retried attempt keeps the same deadline. */
  public record HealthProgress(long startedAtMillis, int checks, int consecutiveFailures,
      int failures, int lastStatus, String lastError) {}

  @Override
  public HealthResult awaitHealthy(HealthInput input) {
    HealthCheck check = input == null ? null : input.check();
    URI uri = healthUri(check);
    int expect = check.expectStatus() > 0 ? check.expectStatus() : DEFAULT_EXPECT_STATUS;
    Duration timeout = positiveOr(check.timeout(), DEFAULT_HEALTH_TIMEOUT);
    Duration interval = positiveOr(check.interval(), DEFAULT_HEALTH_INTERVAL);
    Optional<ActivityExecutionContext> ctx = Heartbeats.context();
    HealthProgress p = resume(ctx);
    long deadline = p.startedAtMillis() + timeout.toMillis();
    int checks = p.checks();
    Probe last = new Probe(p.lastStatus(), p.lastError());
    while (true) {
      last = probe(uri, expect, deadline);
      checks++;
      HealthProgress now = new HealthProgress(p.startedAtMillis(), checks, 0, 0, last.status(),
          last.error());
      ctx.ifPresent(c -> c.heartbeat(now));
      if (last.ok()) {
        LOG.info("{} answered {} after {} checks", Redact.url(check.url()), last.status(), checks);
        return new HealthResult(true, checks, last.status(), null);
      }
      if (System.currentTimeMillis() + interval.toMillis() > deadline) {
        break;
      }
      sleep(interval);
    }
    throw DrError.APP_UNHEALTHY.failure(Redact.url(check.url()) + " did not answer " + expect
        + " within " + timeout + " (" + checks + " checks); last " + last.describe()
        + ". Check the application's logs; a human decides whether to retry, skip or abort.");
  }

  @Override
  public HealthResult monitor(MonitorInput input) {
    HealthCheck check = input == null ? null : input.check();
    URI uri = healthUri(check);
    if (input.window() == null || input.window().isNegative() || input.window().isZero()) {
      throw DrError.BAD_INPUT.failure("The monitor window must be positive"
          + " (deployment.monitor-window in dr-plan.yaml)");
    }
    int expect = check.expectStatus() > 0 ? check.expectStatus() : DEFAULT_EXPECT_STATUS;
    Duration interval = positiveOr(check.interval(), DEFAULT_HEALTH_INTERVAL);
    int maxFailures = input.maxFailures() > 0 ? input.maxFailures() : DEFAULT_MAX_FAILURES;
    Optional<ActivityExecutionContext> ctx = Heartbeats.context();
    HealthProgress p = resume(ctx);
    long end = p.startedAtMillis() + input.window().toMillis();
    int checks = p.checks();
    int consecutive = p.consecutiveFailures();
    int failures = p.failures();
    Probe last = new Probe(p.lastStatus(), p.lastError());
    Probe lastFailure = p.failures() > 0 ? last : null;
    while (true) {
      last = probe(uri, expect, Math.max(end, System.currentTimeMillis() + 1_000));
      checks++;
      if (last.ok()) {
        consecutive = 0;
      } else {
        consecutive++;
        failures++;
        lastFailure = last;
      }
      HealthProgress now = new HealthProgress(p.startedAtMillis(), checks, consecutive, failures,
          last.status(), last.error());
      ctx.ifPresent(c -> c.heartbeat(now));
      if (consecutive >= maxFailures) {
        throw DrError.APP_UNHEALTHY.failure(Redact.url(check.url()) + " failed " + consecutive
            + " checks in a row while monitored (" + checks + " checks, " + failures
            + " failed); last " + last.describe() + ". The application came up but is not stable.");
      }
      long left = end - System.currentTimeMillis();
      if (left <= 0) {
        break;
      }
      sleep(Duration.ofMillis(Math.min(left, interval.toMillis())));
    }
    String note = lastFailure == null ? null
        : failures + " of " + checks + " checks failed; last failure " + lastFailure.describe();
    return new HealthResult(true, checks, last.status(), note);
  }

  private static HealthProgress resume(Optional<ActivityExecutionContext> ctx) {
    Optional<HealthProgress> before = ctx.flatMap(c -> {
      try {
        return c.getHeartbeatDetails(HealthProgress.class);
      } catch (RuntimeException unreadable) {
        return Optional.empty();
      }
    });
    return before.orElseGet(() -> new HealthProgress(System.currentTimeMillis(), 0, 0, 0, 0, null));
  }

  private record Probe(int status, String error) {
    boolean ok() {
      return error == null;
    }

    String describe() {
      return error == null ? "status " + status : error;
    }
  }

  /** One GET; never throws for an HTTP or network problem (that is the answer). */
  private Probe probe(URI uri, int expect, long deadlineMillis) {
    long left = Math.max(1_000, deadlineMillis - System.currentTimeMillis());
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofMillis(Math.min(left, PROBE_TIMEOUT.toMillis())))
        .GET()
        .build();
    try {
      HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == expect ? new Probe(r.statusCode(), null)
          : new Probe(r.statusCode(), "status " + r.statusCode() + " (expected " + expect + ")");
    } catch (IOException e) {
      return new Probe(0, describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  private static URI healthUri(HealthCheck check) {
    if (check == null || check.url() == null || check.url().isBlank()) {
      throw DrError.BAD_INPUT.failure("The health check needs a url (deployment.health.url in"
          + " dr-plan.yaml)");
    }
    return httpUri(check.url(), "deployment.health.url");
  }

  // --- helpers -----------------------------------------------------------------------------------

  private static URI httpUri(String url, String planPath) {
    try {
      URI uri = URI.create(url.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw DrError.BAD_INPUT.failure(planPath + " must be an http:// or https:// URL: "
        + Redact.url(url));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(Math.max(0, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  private static InputStream limited(InputStream in) {
    try (in) {
      return new ByteArrayInputStream(in.readNBytes(64 * 1024));
    } catch (IOException e) {
      return new ByteArrayInputStream(new byte[0]);
    }
  }

  static String describe(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + msg);
  }

  private static Duration positiveOr(Duration d, Duration otherwise) {
    return d == null || d.isZero() || d.isNegative() ? otherwise : d;
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static String orNone(String tail) {
    return tail == null || tail.isBlank() ? "(no output)" : tail;
  }
}
