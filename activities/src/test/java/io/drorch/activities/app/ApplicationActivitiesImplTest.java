package io.drorch.activities.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.ActivityTestBase;
import io.drorch.activities.TestHttpServer;
import io.drorch.workflows.app.ApplicationActivities;
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
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** The application activities against real processes, a local HTTP server and an S3 server. */
class ApplicationActivitiesImplTest extends ActivityTestBase {
  private static final String BUCKET = "act-application";
  private static final String ENV_TEXT = String.join("\n",
      "# the application's settings",
      "DATABASE_URL=postgres://app:Sup3rS3cret@db:5432/ai_docs",
      "",
      "export OPENAI_API_KEY=sk-VERY-SECRET-VALUE",
      "  LOG_LEVEL = info",
      "MULTI=\"first line",
      "NOT_A_NAME=inside the quoted value\"",
      "not an assignment",
      "DATABASE_URL=again-the-same-name",
      "");

  @TempDir Path tmp;
  private ApplicationActivities activities;

  @BeforeAll
  static void createBucket() {
    s3.createBucket(BUCKET);
  }

  @BeforeEach
  void setUp() {
    env.registerActivitiesImplementations(new ApplicationActivitiesImpl(clients));
    activities = stub(ApplicationActivities.class, Duration.ofMinutes(1));
  }

  private static StorageTarget storage() {
    return storage(BUCKET, "prod/ai-docs");
  }

  private static ApplicationFailure failure(DrError type, Executable call) {
    ActivityFailure f = assertThrows(ActivityFailure.class, call);
    ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, f.getCause());
    assertEquals(type.name(), af.getType(), af.getOriginalMessage());
    return af;
  }

  private static HealthCheck check(String url, Duration timeout) {
    return new HealthCheck(url, 200, timeout, Duration.ofMillis(50));
  }

  // --- deploy --------------------------------------------------------------------------------

  @Test
  void commandHookSucceedsWithTheIncidentInItsEnvironmentAndReturnsItsOutput() {
    DeployResult r = activities.deploy(new DeployInput("INC-7", new DeployHook(
        List.of("sh", "-c", "echo deploying for $DR_INCIDENT_ID; echo done >&2"), null, null,
        Duration.ofSeconds(30))));

    assertEquals(0, r.outcome());
    assertEquals("deploying for INC-7\ndone", r.outputTail());
    assertTrue(r.millis() >= 0);
  }

  @Test
  void failingCommandIsNonRetryableWithExitCodeAndTheLastLinesOfOutput() {
    ApplicationFailure f = failure(DrError.APP_DEPLOY_FAILED, () -> activities.deploy(
        new DeployInput("INC-7", new DeployHook(List.of("sh", "-c",
            "for i in $(seq 1 50); do echo step $i; done; echo 'image not found' >&2; exit 3"),
            null, null, null))));

    assertTrue(f.isNonRetryable());
    String m = f.getOriginalMessage();
    assertTrue(m.contains("exit code 3"), m);
    assertTrue(m.contains("image not found"), m);
    assertTrue(m.contains("step 50"), m);
    assertFalse(m.contains("step 31\n"), "only the last 20 lines: " + m);
    assertTrue(m.contains("earlier lines omitted"), m);
  }

  @Test
  void commandThatOutlivesItsTimeoutIsKilledWithItsChildren() throws Exception {
    Path pidFile = tmp.resolve("child.pid");
    ApplicationFailure f = failure(DrError.APP_DEPLOY_FAILED, () -> activities.deploy(
        new DeployInput("INC-7", new DeployHook(List.of("sh", "-c",
            "echo started; sleep 300 & echo $! > " + pidFile + "; wait"),
            null, null, Duration.ofSeconds(1)))));

    assertTrue(f.getOriginalMessage().contains("did not finish within PT1S"), f.getOriginalMessage());
    assertTrue(f.getOriginalMessage().contains("started"), f.getOriginalMessage());
    long child = Long.parseLong(Files.readString(pidFile).strip());
    // killed, not merely orphaned: wait (bounded) for the kernel to finish it off
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (alive(child) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertFalse(alive(child), "the deploy's child process " + child + " outlived the deploy");
  }

  /** Alive and not a zombie (a killed orphan may linger as a zombie until init reaps it). */
  private static boolean alive(long pid) throws IOException {
    Path stat = Path.of("/proc/" + pid + "/stat");
    if (!Files.exists(stat)) {
      return false;
    }
    try {
      String s = Files.readString(stat);
      return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.nio.file.NoSuchFileException gone) {
      return false;
    }
  }

  @Test
  void missingProgramIsADeployFailureNamingIt() {
    ApplicationFailure f = failure(DrError.APP_DEPLOY_FAILED, () -> activities.deploy(
        new DeployInput("INC-7", new DeployHook(List.of("/nonexistent/deploy.sh"), null, null, null))));

    assertTrue(f.getOriginalMessage().contains("/nonexistent/deploy.sh"), f.getOriginalMessage());
  }

  @Test
  void httpHookPostsTheIncidentAndAcceptsAny2xx() throws Exception {
    try (TestHttpServer server = TestHttpServer.answering(n -> 202, "queued build 42\n")) {
      DeployResult r = activities.deploy(new DeployInput("INC-7",
          new DeployHook(null, server.url("/hooks/deploy"), null, Duration.ofSeconds(10))));

      assertEquals(202, r.outcome());
      assertEquals("queued build 42", r.outputTail());
      TestHttpServer.Request req = server.requests.get(0);
      assertEquals("POST", req.method());
      assertEquals("/hooks/deploy", req.path());
      assertEquals("application/json", req.contentType());
      assertTrue(req.body().contains("\"INC-7\""), req.body());
    }
  }

  @Test
  void httpHookAnsweringAnErrorFailsWithItsStatusAndBody() throws Exception {
    try (TestHttpServer server = TestHttpServer.answering(n -> 500, "pipeline broken")) {
      ApplicationFailure f = failure(DrError.APP_DEPLOY_FAILED, () -> activities.deploy(
          new DeployInput("INC-7", new DeployHook(null, server.url("/hooks/deploy?token=abc"), "PUT",
              null))));

      assertTrue(f.getOriginalMessage().contains("HTTP 500"), f.getOriginalMessage());
      assertTrue(f.getOriginalMessage().contains("pipeline broken"), f.getOriginalMessage());
      assertFalse(f.getOriginalMessage().contains("token=abc"), f.getOriginalMessage());
      assertEquals("PUT", server.requests.get(0).method());
    }
  }

  @Test
  void hookWithBothCommandAndUrlIsBadInput() {
    failure(DrError.BAD_INPUT, () -> activities.deploy(new DeployInput("INC-7",
        new DeployHook(List.of("true"), "http://127.0.0.1:1/x", null, null))));
  }

  // --- environment ---------------------------------------------------------------------------

  private static void assertRestored(Path to, EnvironmentResult r) throws IOException {
    assertEquals(to.toString(), r.writtenTo());
    assertEquals(List.of("DATABASE_URL", "OPENAI_API_KEY", "LOG_LEVEL", "MULTI"), r.variableNames());
    assertEquals(ENV_TEXT, Files.readString(to));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(to)));
    assertFalse(r.toString().contains("Sup3rS3cret"), r.toString());
    assertFalse(r.toString().contains("sk-VERY-SECRET-VALUE"), r.toString());
    try (Stream<Path> left = Files.list(to.getParent())) {
      assertEquals(List.of(to), left.filter(p -> !p.getFileName().toString().contains(".pre-"))
          .toList(), "no temp file left behind");
    }
  }

  @Test
  void theReplacedEnvFileIsKeptAsPreIncidentAndARetryKeepsTheOriginal() throws Exception {
    Path from = tmp.resolve("kept.env");
    Files.writeString(from, ENV_TEXT);
    Path to = tmp.resolve("etc/kept/app.env");
    Files.createDirectories(to.getParent());
    Files.writeString(to, "OLD=1\nSECRET=before\n");
    EnvironmentInput in = new EnvironmentInput(
        new EnvironmentSource(from.toString(), to.toString()), storage(), "INC-42");

    EnvironmentResult r = activities.restoreEnvironment(in);
    Path kept = to.resolveSibling("app.env.pre-INC-42");
    assertEquals(kept.toString(), r.keptAs());
    assertEquals("OLD=1\nSECRET=before\n", Files.readString(kept));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));
    assertRestored(to, r);

    // a retry (the file is already replaced) must not overwrite the kept original
    EnvironmentResult again = activities.restoreEnvironment(in);
    assertEquals(kept.toString(), again.keptAs());
    assertEquals("OLD=1\nSECRET=before\n", Files.readString(kept));
  }

  @Test
  void nothingIsKeptWhenThereWasNoEnvFile() throws Exception {
    Path from = tmp.resolve("fresh.env");
    Files.writeString(from, ENV_TEXT);
    Path to = tmp.resolve("etc/fresh/app.env");
    EnvironmentResult r = activities.restoreEnvironment(new EnvironmentInput(
        new EnvironmentSource(from.toString(), to.toString()), storage(), "INC-43"));
    assertEquals(null, r.keptAs());
    assertFalse(Files.exists(to.resolveSibling("app.env.pre-INC-43")));
  }

  @Test
  void environmentFromAFileIsWrittenWithMode600AndOnlyNamesAreReturned() throws Exception {
    Path from = tmp.resolve("ai-docs.env");
    Files.writeString(from, ENV_TEXT);
    Path to = tmp.resolve("etc/ai-docs/app.env");
    Files.createDirectories(to.getParent());
    Files.writeString(to, "OLD=1\n");
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));

    EnvironmentResult r = activities.restoreEnvironment(
        new EnvironmentInput(new EnvironmentSource(from.toString(), to.toString()), storage()));

    assertRestored(to, r);
  }

  @Test
  void environmentFromS3IsReadUnderTheStoragePrefix() throws Exception {
    s3.client().putObject(b -> b.bucket(BUCKET).key("prod/ai-docs/config/ai-docs.env"),
        RequestBody.fromString(ENV_TEXT, StandardCharsets.UTF_8));
    Path to = tmp.resolve("new-dir/app.env");

    EnvironmentResult r = activities.restoreEnvironment(new EnvironmentInput(
        new EnvironmentSource("s3:config/ai-docs.env", to.toString()), storage()));

    assertRestored(to, r);
  }

  @Test
  void missingSourcesAreNamed() {
    Path to = tmp.resolve("app.env");
    ApplicationFailure f = failure(DrError.ENV_SOURCE_MISSING, () -> activities.restoreEnvironment(
        new EnvironmentInput(new EnvironmentSource(tmp.resolve("nope.env").toString(), to.toString()),
            storage())));
    assertTrue(f.getOriginalMessage().contains(tmp.resolve("nope.env").toString()), f.getOriginalMessage());
    assertTrue(f.isNonRetryable());

    f = failure(DrError.ENV_SOURCE_MISSING, () -> activities.restoreEnvironment(new EnvironmentInput(
        new EnvironmentSource("s3:config/missing.env", to.toString()), storage())));
    assertTrue(f.getOriginalMessage().contains("s3://" + BUCKET + "/prod/ai-docs/config/missing.env"),
        f.getOriginalMessage());
    assertFalse(Files.exists(to));
  }

  // --- health --------------------------------------------------------------------------------

  @Test
  void becomesHealthyAfterThreeUnavailableAnswers() throws Exception {
    try (TestHttpServer server = TestHttpServer.answering(n -> n < 3 ? 503 : 200, "")) {
      HealthResult r = activities.awaitHealthy(
          new HealthInput(check(server.url("/health"), Duration.ofSeconds(20))));

      assertTrue(r.healthy());
      assertEquals(4, r.checks());
      assertEquals(200, r.lastStatus());
      assertNull(r.lastError());
      assertEquals(4, server.requests.size());
      assertEquals("GET", server.requests.get(0).method());
    }
  }

  @Test
  void neverHealthyFailsAsUnhealthyNamingUrlAndLastStatus() throws Exception {
    try (TestHttpServer server = TestHttpServer.answering(503)) {
      ApplicationFailure f = failure(DrError.APP_UNHEALTHY, () -> activities.awaitHealthy(
          new HealthInput(check(server.url("/health"), Duration.ofSeconds(3)))));

      assertTrue(f.isNonRetryable());
      assertTrue(f.getOriginalMessage().contains(server.url("/health")), f.getOriginalMessage());
      assertTrue(f.getOriginalMessage().contains("status 503"), f.getOriginalMessage());
      assertTrue(server.requests.size() >= 3, "checked repeatedly: " + server.requests.size());
    }
  }

  @Test
  void unreachableApplicationReportsTheConnectionError() throws Exception {
    String url = TestHttpServer.refusedUrl("/health");
    ApplicationFailure f = failure(DrError.APP_UNHEALTHY, () -> activities.awaitHealthy(
        new HealthInput(check(url, Duration.ofMillis(300)))));

    assertTrue(f.getOriginalMessage().contains("ConnectException"), f.getOriginalMessage());
  }

  @Test
  void monitorToleratesIsolatedFailuresAndReportsThem() throws Exception {
    try (TestHttpServer server = TestHttpServer.answering(n -> n % 3 == 1 ? 500 : 200, "")) {
      HealthResult r = activities.monitor(new MonitorInput(
          check(server.url("/health"), Duration.ofSeconds(5)), Duration.ofSeconds(3), 2));

      assertTrue(r.healthy());
      assertTrue(r.checks() >= 5, "checks: " + r.checks());
      assertTrue(r.lastError().contains("checks failed"), r.lastError());
      assertTrue(r.lastError().contains("status 500"), r.lastError());
    }
  }

  @Test
  void monitorFailsAfterConsecutiveFailures() throws Exception {
    try (TestHttpServer server = TestHttpServer.answering(n -> n < 2 ? 200 : 503, "")) {
      ApplicationFailure f = failure(DrError.APP_UNHEALTHY, () -> activities.monitor(new MonitorInput(
          check(server.url("/health"), Duration.ofSeconds(5)), Duration.ofSeconds(30), 3)));

      assertTrue(f.getOriginalMessage().contains("failed 3 checks in a row"), f.getOriginalMessage());
      assertEquals(5, server.requests.size());
    }
  }
}
