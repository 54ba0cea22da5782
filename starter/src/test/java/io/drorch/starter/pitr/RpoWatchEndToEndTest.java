package io.drorch.starter.pitr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.drorch.activities.rpo.RpoActivitiesImpl;
import io.drorch.activities.storage.S3Clients;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.starter.rpo.RpoView;
import io.drorch.starter.schedules.ScheduleSync;
import io.drorch.worker.WorkerMetrics;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.plan.Objectives;
import io.drorch.workflows.contracts.plan.ScheduleSettings;
import io.drorch.workflows.contracts.values.RpoAge;
import io.drorch.workflows.contracts.values.RpoWatchState;
import io.temporal.client.schedules.ScheduleClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The RPO watch on the real stack: the dr-rpo-watch schedule (every 3 s) runs ticks on a real
 * worker against PostgreSQL 15 archiving with pgBackRest to the S3 server over TLS. Archiving is
 * broken ({@code archive_command = 'false'}) while writes go on: a tick sees the WAL's age pass
 * the 30 s RPO, notifies level 1 (a webhook channel), escalates to level 2 after level 1's 20 s,
 * {@code dr_rpo_age_seconds{kind="wal"}} on the worker's metrics endpoint shows the age; archiving
 * restored, the recovery is notified once.
 */
class RpoWatchEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void brokenArchivingIsABreachThatEscalatesAndItsRecoveryIsNotifiedOnce() throws Exception {
    PitrStack ps = PitrStack.get();
    List<JsonNode> hooks = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/", x -> {
      hooks.add(JSON.readTree(x.getRequestBody().readAllBytes()));
      x.sendResponseHeaders(204, -1);
      x.close();
    });
    hook.start();
    DrPlan base = ps.plan();
    DrPlan plan = new DrPlan(base.application(),
        new Objectives(Duration.ofHours(4), Duration.ofHours(24), Duration.ofSeconds(30),
            Duration.ofHours(24)),
        base.database(), base.files(), base.storage(),
        new ScheduleSettings("UTC", "0 2 * * *", "30 2 * * *", "0 4 * * *", Duration.ofHours(1), null,
            Duration.ofSeconds(3)),
        List.of(
            new EscalationLevel(1, "Infrastructure Team", List.of("alice", "bob"),
                List.of("infra@example.com"), Duration.ofSeconds(20)),
            new EscalationLevel(2, "Development Team Lead", List.of("dana"),
                List.of("dana@example.com"), Duration.ofMinutes(30)),
            base.escalation().get(2), base.escalation().get(3)),
        new NotificationSettings(Duration.ofMinutes(15), List.of(
            new NotificationChannel("webhook",
                "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"))),
        base.deployment(), base.recovery(), base.approvals());
    String archiveCommand = show("archive_command", ps);
    ScheduleClient schedules = ScheduleClient.newInstance(ps.stack.temporal.service());
    WorkerMetrics metrics = WorkerMetrics.start("127.0.0.1", 0);
    try (LocalWorker worker = LocalWorker.start(ps.stack.temporal.client(), ps.secrets(), plan,
            ps.stack.dir.resolve("plans/pitr-rpo/dr-plan.yaml"), "dr-test-pitr-rpo");
        S3Clients s3 = new S3Clients(ps.pitr.s3().credentials())) {
      // fresh database and file backups, so only the WAL can breach
      var client = ps.stack.temporal.client();
      BackupRuns.await(BackupRuns.startDatabase(client, worker.taskQueue(), "test"));
      BackupRuns.await(BackupRuns.startFiles(client, worker.taskQueue(), "test"));
      // healthy: everything written is archived
      archived(ps);
      var applied = ScheduleSync.apply(schedules, plan, "test", worker.taskQueue());
      assertTrue(applied.stream().anyMatch(a -> a.scheduleId().equals(ScheduleSync.RPO_WATCH)
          && a.cron().equals("every 3s") && a.workflowType().equals("RpoWatchWorkflow")),
          applied.toString());
      RpoWatchState healthy = await(s3, plan, s -> s.last() != null
          && s.last().at().isAfter(Instant.now().minusSeconds(10)), Duration.ofMinutes(2));
      RpoAge wal = wal(healthy);
      assertTrue(!wal.breached(), "archiving works, the WAL is within its RPO: " + wal);
      assertEquals(List.of(), healthy.open(), healthy.toString());

      // archiving breaks while writes go on
      ps.pitr.sql(List.of("ALTER SYSTEM SET archive_command = 'false'",
          "SELECT pg_reload_conf()"));
      Instant broken = Instant.now();
      write(ps);
      RpoWatchState breach = await(s3, plan, s -> !s.open().isEmpty(), Duration.ofMinutes(2));
      assertTrue(wal(breach).breached() && wal(breach).detail().contains("failing now"),
          wal(breach).toString());
      assertEquals(RpoAge.WAL, breach.open().get(0).kind());
      // what `dr rpo` / `dr status --rpo` print from the stored state (exit 1: a breach)
      java.io.ByteArrayOutputStream shown = new java.io.ByteArrayOutputStream();
      assertTrue(RpoView.print(breach, Instant.now(), new java.io.PrintStream(shown, true,
          java.nio.charset.StandardCharsets.UTF_8)));
      String view = shown.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(view.matches("(?s).*\\n  wal +\\S.* +30s +BREACH .*") && view.contains(
          "breach: wal since "), view);
      awaitHook(hooks, "rpo-breach", 1);
      assertTrue(text(hooks, "rpo-breach").contains("archived WAL"), hooks.toString());
      // the gauge on the worker's metrics endpoint
      String scraped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      double age = gauge(scraped, "dr_rpo_age_seconds{kind=\"wal\"}");
      assertTrue(age > 30, "dr_rpo_age_seconds{kind=\"wal\"} " + age + " in\n" + scraped);
      assertTrue(scraped.contains("dr_rpo_limit_seconds{kind=\"wal\"} 30.0"), scraped);

      // level 1's 20 s pass unanswered: level 2 is told
      awaitHook(hooks, "rpo-escalated", 2);
      assertTrue(Duration.between(broken, Instant.now()).toSeconds() >= 20);

      // archiving restored: the recovery is told once (to each level that heard)
      ps.pitr.sql(List.of("ALTER SYSTEM SET archive_command = '" + archiveCommand.replace("'",
          "''") + "'", "SELECT pg_reload_conf()"));
      archived(ps);
      await(s3, plan, s -> s.open().isEmpty(), Duration.ofMinutes(2));
      awaitHook(hooks, "rpo-recovered", 2);
      Instant recoveredSeen = Instant.now();
      // several more ticks: nothing more is said
      await(s3, plan, s -> s.last().at().isAfter(recoveredSeen.plusSeconds(7)),
          Duration.ofMinutes(1));
      List<String> said = hooks.stream().map(h -> h.path("event").asText() + " "
          + h.path("level").asInt()).toList();
      assertEquals(List.of("rpo-breach 1", "rpo-escalated 2"), said.subList(0, 2), said.toString());
      // the two levels' recovery notices go out together, in either order
      assertEquals(java.util.Set.of("rpo-recovered 1", "rpo-recovered 2"),
          java.util.Set.copyOf(said.subList(2, said.size())), said.toString());
      assertEquals(4, said.size(), said.toString());
    } finally {
      for (var d : ScheduleSync.describe(schedules)) {
        schedules.getHandle(d.getId()).delete();
      }
      ps.pitr.sql(List.of("ALTER SYSTEM SET archive_command = '" + archiveCommand.replace("'",
          "''") + "'", "SELECT pg_reload_conf()"));
      metrics.close();
      hook.stop(0);
    }
  }

  private static RpoAge wal(RpoWatchState s) {
    return s.last().ages().stream().filter(a -> a.kind().equals(RpoAge.WAL)).findFirst()
        .orElseThrow(() -> new AssertionError("no WAL age measured: " + s));
  }

  private static RpoWatchState await(S3Clients s3, DrPlan plan, Predicate<RpoWatchState> ok,
      Duration limit) throws InterruptedException {
    Instant end = Instant.now().plus(limit);
    RpoWatchState s = RpoWatchState.EMPTY;
    while (Instant.now().isBefore(end)) {
      s = RpoActivitiesImpl.read(s3.store(plan.storage()));
      if (ok.test(s)) {
        return s;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the RPO watch's state never got there in " + limit + ": " + s);
  }

  private static void awaitHook(List<JsonNode> hooks, String event, int level)
      throws InterruptedException {
    Instant end = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(end)) {
      if (hooks.stream().anyMatch(h -> h.path("event").asText().equals(event)
          && h.path("level").asInt() == level)) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("no " + event + " level " + level + " notification: " + hooks);
  }

  private static String text(List<JsonNode> hooks, String event) {
    return hooks.stream().filter(h -> h.path("event").asText().equals(event))
        .map(h -> h.path("text").asText()).findFirst().orElse("");
  }

  private static double gauge(String scraped, String series) {
    return scraped.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
        .orElseThrow(() -> new AssertionError(series + " not in\n" + scraped));
  }

  private static String show(String setting, PitrStack ps) throws Exception {
    try (Connection c = ps.pitr.postgres().connect("postgres");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** A write and a WAL switch, so there is a segment to archive. */
  private static void write(PitrStack ps) throws Exception {
    try (Connection c = ps.pitr.postgres().connect(PitrStack.DATABASE);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS rpo_watch_test (at timestamptz)");
      st.execute("INSERT INTO rpo_watch_test VALUES (now())");
      st.execute("SELECT pg_switch_wal()");
      st.execute("INSERT INTO rpo_watch_test VALUES (now())");
    }
  }

  /** A write, a WAL switch, and waits until the archiver has archived that segment. */
  private static void archived(PitrStack ps) throws Exception {
    try (Connection c = ps.pitr.postgres().connect(PitrStack.DATABASE);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS rpo_watch_test (at timestamptz)");
      st.execute("INSERT INTO rpo_watch_test VALUES (now())");
      String segment;
      try (ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
        rs.next();
        segment = rs.getString(1);
      }
      Instant end = Instant.now().plus(Duration.ofMinutes(2));
      while (Instant.now().isBefore(end)) {
        try (ResultSet rs = st.executeQuery("SELECT last_archived_wal FROM pg_stat_archiver")) {
          rs.next();
          String last = rs.getString(1);
          if (last != null && last.compareTo(segment) >= 0) {
            return;
          }
        }
        Thread.sleep(300);
      }
      throw new AssertionError("segment " + segment + " never archived");
    }
  }
}
