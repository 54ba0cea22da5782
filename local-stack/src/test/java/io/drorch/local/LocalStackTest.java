package io.drorch.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The embedded local stack: one PostgreSQL, one S3Proxy, one Temporal for the whole class. */
class LocalStackTest {
  @TempDir static Path tmp;
  static LocalPostgres pg;
  static LocalS3 s3;
  static LocalTemporal temporal;

  @BeforeAll
  static void startStack() throws Exception {
    long t0 = System.nanoTime();
    pg = LocalPostgres.start(tmp.resolve("pg"));
    long t1 = System.nanoTime();
    s3 = LocalS3.start(tmp.resolve("s3"));
    long t2 = System.nanoTime();
    temporal = LocalTemporal.start(tmp.resolve("temporal"), false);
    long t3 = System.nanoTime();
    System.out.printf("local stack: postgres %d ms, s3proxy %d ms (%s), temporal %d ms (%s)%n",
        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, s3.backend(), (t3 - t2) / 1_000_000,
        temporal.realServer() ? "real server " + temporal.target() : "java test server");
  }

  @AfterAll
  static void stopStack() {
    if (temporal != null) {
      temporal.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  // ------------------------------------------------------------------ PostgreSQL

  @Test
  void postgresConnectsWithThePassword() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_user, inet_server_port()")) {
      assertTrue(rs.next());
      assertEquals("postgres", rs.getString(1));
      assertEquals(pg.port(), rs.getInt(2));
    }
    assertEquals("127.0.0.1", pg.clientEnv().get("PGHOST"));
    assertEquals(Integer.toString(pg.port()), pg.clientEnv().get("PGPORT"));
  }

  @Test
  void postgresRejectsAWrongPassword() {
    SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        pg.jdbcUrl("postgres"), "postgres", pg.password() + "x"));
    assertEquals("28P01", e.getSQLState(), e.getMessage()); // invalid_password
  }

  @Test
  void createAndDropDatabaseAreIdempotent() throws Exception {
    pg.createDatabase("idem");
    pg.createDatabase("idem");
    Connection held = pg.connect("idem"); // drop must terminate it
    pg.dropDatabase("idem");
    pg.dropDatabase("idem");
    held.close();
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_database WHERE datname = 'idem'")) {
      rs.next();
      assertEquals(0, rs.getInt(1));
    }
  }

  @Test
  void psqlWorksWithClientEnv() throws Exception {
    Procs.Result r = Procs.run(List.of("psql", "-X", "-At", "-d", "postgres", "-c", "select 40+2"),
        null, pg.clientEnv(), 30);
    assertEquals("42", r.output().trim());
  }

  // ------------------------------------------------------------------ S3

  @Test
  void s3PutGetList() {
    s3.createBucket("basic");
    s3.createBucket("basic");
    S3Client c = s3.client();
    c.putObject(b -> b.bucket("basic").key("a/one.txt"), RequestBody.fromString("hello"));
    c.putObject(b -> b.bucket("basic").key("a/two.txt"), RequestBody.fromString("world!"));
    ResponseBytes<GetObjectResponse> got = c.getObjectAsBytes(b -> b.bucket("basic").key("a/one.txt"));
    assertEquals("hello", got.asString(StandardCharsets.UTF_8));
    ResponseBytes<GetObjectResponse> range =
        c.getObjectAsBytes(b -> b.bucket("basic").key("a/two.txt").range("bytes=1-3"));
    assertEquals("orl", range.asString(StandardCharsets.UTF_8));
    List<String> keys = c.listObjectsV2(b -> b.bucket("basic").prefix("a/")).contents().stream()
        .map(S3Object::key).toList();
    assertEquals(List.of("a/one.txt", "a/two.txt"), keys);
    c.deleteObjects(b -> b.bucket("basic").delete(d -> d.objects(
        o -> o.key("a/one.txt"), o -> o.key("a/two.txt"))));
    assertEquals(0, c.listObjectsV2(b -> b.bucket("basic")).keyCount());
  }

  @Test
  void s3IfNoneMatchRefusesOverwrite() {
    s3.createBucket("once");
    S3Client c = s3.client();
    c.putObject(b -> b.bucket("once").key("k").ifNoneMatch("*"), RequestBody.fromString("first"));
    S3Exception e = assertThrows(S3Exception.class, () ->
        c.putObject(b -> b.bucket("once").key("k").ifNoneMatch("*"), RequestBody.fromString("second")));
    assertEquals(412, e.statusCode());
    assertEquals("first", c.getObjectAsBytes(b -> b.bucket("once").key("k")).asUtf8String());
  }

  @Test
  void s3MultipartUpload() {
    s3.createBucket("multi");
    S3Client c = s3.client();
    byte[] part = new byte[5 * 1024 * 1024];
    new Random(7).nextBytes(part);
    String id = c.createMultipartUpload(b -> b.bucket("multi").key("big")).uploadId();
    assertTrue(c.listMultipartUploads(b -> b.bucket("multi")).uploads().stream()
        .anyMatch(u -> u.uploadId().equals(id)));
    List<CompletedPart> parts = new ArrayList<>();
    for (int n = 1; n <= 2; n++) {
      int pn = n;
      String etag = c.uploadPart(b -> b.bucket("multi").key("big").uploadId(id).partNumber(pn),
          RequestBody.fromBytes(part)).eTag();
      parts.add(CompletedPart.builder().partNumber(pn).eTag(etag).build());
    }
    c.completeMultipartUpload(b -> b.bucket("multi").key("big").uploadId(id)
        .multipartUpload(m -> m.parts(parts)));
    byte[] all = c.getObjectAsBytes(b -> b.bucket("multi").key("big")).asByteArray();
    assertEquals(2L * part.length, all.length);
    byte[] second = java.util.Arrays.copyOfRange(all, part.length, all.length);
    assertArrayEquals(part, second);

    String aborted = c.createMultipartUpload(b -> b.bucket("multi").key("gone")).uploadId();
    c.abortMultipartUpload(b -> b.bucket("multi").key("gone").uploadId(aborted));
    assertTrue(c.listMultipartUploads(b -> b.bucket("multi")).uploads().stream()
        .noneMatch(u -> u.uploadId().equals(aborted)));
  }

  @Test
  void s3RejectsAWrongSecretKey() {
    s3.createBucket("auth");
    try (S3Client wrong = s3.newClient(StaticCredentialsProvider.create(
        AwsBasicCredentials.create(s3.accessKey(), s3.secretKey() + "x")))) {
      S3Exception e = assertThrows(S3Exception.class,
          () -> wrong.listObjectsV2(b -> b.bucket("auth")));
      assertEquals(403, e.statusCode());
    }
  }

  // ------------------------------------------------------------------ Temporal

  @Test
  void temporalAcceptsWorkflowsWithTheSearchAttributes() {
    assertTrue(temporal.target().startsWith("127.0.0.1:"));
    String id = startAndTerminate(temporal);
    var described = temporal.client().newUntypedWorkflowStub(id).describe();
    assertEquals(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
        described.getStatus());
    assertEquals("INC-0", described.getTypedSearchAttributes()
        .get(io.drorch.workflows.common.SearchAttributes.DR_INCIDENT));
    assertEquals(1L, described.getTypedSearchAttributes()
        .get(io.drorch.workflows.common.SearchAttributes.DR_AWAITING_LEVEL));
  }

  @Test
  void temporalRealServerRunsSchedules() {
    assertTrue(temporal.realServer(), "no temporal CLI found (./run-tests installs it): Schedules need the real server");
    ScheduleClient schedules = ScheduleClient.newInstance(temporal.service(),
        ScheduleClientOptions.newBuilder().setNamespace(LocalTemporal.NAMESPACE).build());
    Schedule schedule = Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType("LocalStackNoop")
            .setOptions(WorkflowOptions.newBuilder().setWorkflowId("local-stack-scheduled")
                .setTaskQueue("local-stack-test").build())
            .build())
        .setSpec(ScheduleSpec.newBuilder()
            .setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofHours(1)))).build())
        .setState(ScheduleState.newBuilder().setPaused(true).build())
        .build();
    ScheduleHandle handle = schedules.createSchedule("local-stack-schedule", schedule,
        ScheduleOptions.newBuilder().build());
    ScheduleDescription d = handle.describe();
    assertTrue(d.getSchedule().getState().isPaused());
    // run it now: the server starts the scheduled workflow (no worker needed to see it start)
    handle.trigger();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<io.temporal.client.schedules.ScheduleActionResult> started = List.of();
    while (started.isEmpty() && System.nanoTime() < deadline) {
      started = handle.describe().getInfo().getRecentActions();
      if (started.isEmpty()) {
        sleepQuietly(100);
      }
    }
    assertEquals(1, started.size(), "the triggered schedule started nothing");
    var action = (io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow)
        started.get(0).getAction();
    String workflowId = action.getWorkflowId();
    assertTrue(workflowId.startsWith("local-stack-scheduled"), workflowId);
    WorkflowStub run = temporal.client().newUntypedWorkflowStub(workflowId);
    assertEquals("LocalStackNoop", run.describe().getWorkflowType());
    run.terminate("local stack test");
    handle.delete();
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void javaTestServerFallbackWorks() throws Exception {
    try (LocalTemporal ts = LocalTemporal.startTestServer()) {
      assertEquals(false, ts.realServer());
      assertTrue(ts.uiUrl().isEmpty());
      startAndTerminate(ts);
    }
  }

  private static String startAndTerminate(LocalTemporal t) {
    String id = "local-stack-" + System.nanoTime();
    WorkflowStub stub = t.client().newUntypedWorkflowStub("LocalStackNoop", WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue("local-stack-test")
        .setTypedSearchAttributes(SearchAttributes.newBuilder()
            .set(io.drorch.workflows.common.SearchAttributes.DR_KIND, "test")
            .set(io.drorch.workflows.common.SearchAttributes.DR_INCIDENT, "INC-0")
            .set(io.drorch.workflows.common.SearchAttributes.DR_PHASE, "start")
            .set(io.drorch.workflows.common.SearchAttributes.DR_AWAITING_LEVEL, 1L)
            .build())
        .build());
    stub.start();
    stub.terminate("local stack test");
    return id;
  }

  // ------------------------------------------------------------------ sample application

  @Test
  void sampleDatabaseIsMigratedFilledAndTakesThePendingMigration() throws Exception {
    long t0 = System.nanoTime();
    SampleApplication.createDatabase(pg, "sample", 1);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    SampleApplication.createDatabase(pg, "sample", 1); // idempotent: no second fill
    try (Connection c = pg.connect("sample"); Statement st = c.createStatement()) {
      for (String[] t : new String[][] {{"users", "1000"}, {"api_tokens", "2000"}, {"documents", "2000"},
          {"document_chunks", "10000"}, {"conversations", "2000"}, {"messages", "10000"}}) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + t[0])) {
          rs.next();
          assertEquals(Long.parseLong(t[1]), rs.getLong(1), t[0]);
        }
      }
      try (ResultSet rs = st.executeQuery(
          "SELECT max(version::int) FROM flyway_schema_history WHERE success")) {
        rs.next();
        assertEquals(2, rs.getInt(1));
      }
      try (ResultSet rs = st.executeQuery("SELECT md5(string_agg(content, '' ORDER BY id)) FROM messages")) {
        rs.next();
        System.out.println("sample db filled in " + ms + " ms, messages md5 " + rs.getString(1));
      }
    }
    org.flywaydb.core.Flyway.configure()
        .dataSource(pg.jdbcUrl("sample"), pg.superuser(), pg.password())
        .locations("filesystem:" + SampleApplication.migrationsDir(),
            "filesystem:" + SampleApplication.pendingMigrationsDir())
        .load().migrate();
    try (Connection c = pg.connect("sample"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM message_feedback")) {
      rs.next();
      assertEquals(0, rs.getInt(1));
    }
    pg.dropDatabase("sample");
  }

  @Test
  void sampleUploadsHaveTheAwkwardCases() throws Exception {
    Path up = tmp.resolve("uploads");
    SampleApplication.createUploads(up, 50);
    try (var s = java.nio.file.Files.walk(up)) {
      List<Path> all = s.toList();
      long regular = all.stream().filter(p -> java.nio.file.Files.isRegularFile(p,
          java.nio.file.LinkOption.NOFOLLOW_LINKS)).count();
      assertEquals(53, regular); // 50 + empty + unicode + long path
      assertTrue(all.stream().anyMatch(p -> up.relativize(p).toString().length() > 100));
      assertTrue(all.stream().anyMatch(p -> p.getFileName().toString().contains("日本語")));
      assertTrue(all.stream().anyMatch(java.nio.file.Files::isSymbolicLink));
    }
    Path link = up.resolve("links/latest-upload");
    assertTrue(!java.nio.file.Files.readSymbolicLink(link).isAbsolute());
    assertTrue(java.nio.file.Files.isRegularFile(link));
    assertEquals(0, java.nio.file.Files.size(up.resolve("users/empty.txt")));
    try (var s = java.nio.file.Files.list(up.resolve("users/u1/empty-folder"))) {
      assertEquals(0, s.count());
    }
  }
}
