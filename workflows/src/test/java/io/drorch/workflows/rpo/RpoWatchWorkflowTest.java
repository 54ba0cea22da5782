package io.drorch.workflows.rpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.drorch.workflows.common.UiMetadata;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.commands.RpoWatchInput;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.plan.Objectives;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.RpoAge;
import io.drorch.workflows.contracts.values.RpoSnapshot;
import io.drorch.workflows.contracts.values.RpoWatchState;
import io.drorch.workflows.notify.NotificationActivities;
import io.drorch.workflows.plan.PlanActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RPO watch's ticks in virtual time: archiving stops, the next tick notifies level 1; the
 * breach lasts past level 1's timeout (a day) and a tick escalates it to level 2 (each level told once,
 * however many ticks pass); archiving comes back and the next tick notifies the recovery, once.
 */
class RpoWatchWorkflowTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      UiMetadata.withSearchAttributes(TestWorkflowExtension.newBuilder())
          .setWorkflowTypes(RpoWatchWorkflowImpl.class)
          .setInitialTime(T0)
          .setDoNotStart(true)
          .setWorkerOptions(WorkerOptions.newBuilder()
              .setDefaultDeadlockDetectionTimeout(10_000).build())
          .build();

  private static final StorageTarget STORAGE =
      new StorageTarget("dr-backups", "ai-docs", "us-east-1", "http://127.0.0.1:9000", true, 30,
          true, 30);
  private static final List<EscalationLevel> LEVELS = List.of(
      level(1, "Infrastructure Team", "infra@example.com"),
      level(2, "Engineering Manager", "em@example.com"),
      level(3, "CTO", "cto@example.com"),
      level(4, "CEO", "ceo@example.com"));

  private static EscalationLevel level(int n, String name, String contact) {
    return new EscalationLevel(n, name, List.of("user" + n), List.of(contact),
        Duration.ofDays(1));
  }

  /** The measurement's fake: the WAL age the next tick sees, and the stored state in memory. */
  static final class FakeRpo implements RpoActivities {
    volatile long walAge;
    volatile RpoWatchState stored = RpoWatchState.EMPTY;
    final List<RpoWatchState> recorded = new CopyOnWriteArrayList<>();

    @Override
    public RpoSnapshot measure(DrPlan plan) {
      return new RpoSnapshot(Instant.now(), List.of(
          new RpoAge(RpoAge.WAL, walAge, 60, "000000010000000000000042", "archive failures 0"),
          new RpoAge(RpoAge.FILES, 3600L, 86400, "files-20261201T090000Z-abc", null)));
    }

    @Override
    public RpoWatchState previous(StorageTarget storage) {
      return stored;
    }

    @Override
    public void record(StorageTarget storage, RpoWatchState state) {
      stored = state;
      recorded.add(state);
    }
  }

  /** Notifications as the channels got them. */
  static final class Inbox implements NotificationActivities {
    final List<Notification> got = new CopyOnWriteArrayList<>();

    @Override
    public void send(Notification n) {
      got.add(n);
    }

    List<String> events() {
      return got.stream().map(n -> n.event() + " " + n.level() + " " + n.contacts()).toList();
    }
  }

  private final FakeRpo rpo = new FakeRpo();
  private final Inbox inbox = new Inbox();

  /** What one tick did: the notifications it sent (as {@link Inbox#events}) and its state. */
  record Tick(List<String> events, RpoWatchState state) {}

  /**
   * One tick, as the schedule starts it, waited for by its stored state (never by a blocking
   * result call: while a client waits, the time-skipping test server may jump virtual time, and
   * only {@code env.sleep} is to move it here).
   */
  private Tick tick(TestWorkflowEnvironment env, Worker worker) throws InterruptedException {
    int recorded = rpo.recorded.size();
    int sent = inbox.got.size();
    RpoWatchWorkflow wf = env.getWorkflowClient().newWorkflowStub(RpoWatchWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).build());
    WorkflowClient.start(wf::tick, new RpoWatchInput("schedule"));
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (rpo.recorded.size() == recorded) {
      assertTrue(System.nanoTime() < deadline, "the tick never stored its state");
      Thread.sleep(20);
    }
    return new Tick(inbox.events().subList(sent, inbox.got.size()), rpo.recorded.get(recorded));
  }

  @Test
  void aBreachNotifiesEscalatesThroughTheLevelsAndItsRecoveryIsNotifiedOnce(
      TestWorkflowEnvironment env, Worker worker) throws Exception {
    DrPlan plan = new DrPlan("AI Docs Assistant",
        new Objectives(Duration.ofHours(4), Duration.ofHours(24), Duration.ofMinutes(1),
            Duration.ofHours(24)),
        new DatabaseTarget("db.internal", 5432, "docs", "docs", null, "gzip"),
        new FilesTarget("/app/uploads"), STORAGE, null, LEVELS,
        new NotificationSettings(Duration.ofMinutes(15),
            List.of(new NotificationChannel("log", null))),
        null, null, null);
    PlanActivities plans = mock(PlanActivities.class, withSettings().withoutAnnotations());
    when(plans.load()).thenReturn(new LoadedPlan(plan, "0123456789abcdef", "/test/dr-plan.yaml"));
    worker.registerActivitiesImplementations(rpo, inbox, plans);
    env.start();

    // healthy: nothing to say
    rpo.walAge = 20;
    assertEquals(List.of(), tick(env, worker).events());
    assertEquals(List.of(), inbox.events());

    // archiving stops: two minutes of WAL at risk against a one-minute RPO. (Virtual time may
    // jump by an activity's 10-minute timeout while a tick waits for a loaded worker, so the
    // ticks are hours apart and the levels a day long: the jumps never change a level.)
    env.sleep(Duration.ofHours(1));
    rpo.walAge = 120;
    Tick breach = tick(env, worker);
    assertEquals(List.of("rpo-breach 1 [infra@example.com]"), breach.events());
    assertEquals(List.of("rpo-breach 1 [infra@example.com]"), inbox.events());
    assertEquals(1, breach.state().open().size());
    long began = breach.state().open().get(0).since().getEpochSecond();
    long expected = T0.plus(Duration.ofHours(1)).minusSeconds(60).getEpochSecond();
    assertTrue(Math.abs(began - expected) <= 120, "the breach began when the age passed the RPO,"
        + " a minute before the tick: " + began + " vs " + expected);
    assertTrue(inbox.got.get(0).text().contains("archived WAL"), inbox.got.get(0).text());

    // ticks every hour while level 1's day runs: level 1 is not told again
    for (int i = 0; i < 5; i++) {
      env.sleep(Duration.ofHours(1));
      rpo.walAge += 3600;
      assertEquals(List.of(), tick(env, worker).events(), "tick " + i);
    }
    assertEquals(1, inbox.got.size(), inbox.events().toString());

    // level 1's timeout passes (a day since the breach began): level 2 is told
    env.sleep(Duration.ofHours(20));
    rpo.walAge += 20 * 3600;
    Tick escalated = tick(env, worker);
    assertEquals(List.of("rpo-escalated 2 [em@example.com]"), escalated.events());
    assertEquals(2, escalated.state().open().get(0).level());
    assertEquals(List.of("rpo-breach 1 [infra@example.com]", "rpo-escalated 2 [em@example.com]"),
        inbox.events());
    env.sleep(Duration.ofHours(1));
    rpo.walAge += 3600;
    assertEquals(List.of(), tick(env, worker).events(), "level 2 is told once");

    // archiving works again: the recovery is told to each level that heard of the breach, once
    env.sleep(Duration.ofHours(1));
    rpo.walAge = 0;
    Tick recovered = tick(env, worker);
    // one notice to each level told, sent together: in either order
    assertEquals(java.util.Set.of("rpo-recovered 1 [infra@example.com]",
        "rpo-recovered 2 [em@example.com]"), java.util.Set.copyOf(recovered.events()));
    assertEquals(2, recovered.events().size(), recovered.events().toString());
    assertEquals(List.of(), recovered.state().open());
    for (int i = 0; i < 3; i++) {
      env.sleep(Duration.ofHours(1));
      assertEquals(List.of(), tick(env, worker).events(), "the recovery is notified once");
    }
    assertEquals(List.of("rpo-breach 1 [infra@example.com]", "rpo-escalated 2 [em@example.com]"),
        inbox.events().subList(0, 2));
    assertEquals(4, inbox.events().size(), "the recovery is notified once: " + inbox.events());
    // every tick stored its state for the next one (and for `dr rpo`)
    assertEquals(13, rpo.recorded.size());
    assertEquals(0L, rpo.stored.last().ages().get(0).ageSeconds());
  }

  @Test
  void levelsFollowTheirTimeoutsLikeAnUnansweredDecision() {
    assertEquals(1, RpoEscalation.levelAt(Duration.ZERO, LEVELS));
    assertEquals(1, RpoEscalation.levelAt(Duration.ofHours(23), LEVELS));
    assertEquals(2, RpoEscalation.levelAt(Duration.ofHours(24), LEVELS));
    assertEquals(3, RpoEscalation.levelAt(Duration.ofHours(48), LEVELS));
    assertEquals(4, RpoEscalation.levelAt(Duration.ofHours(72), LEVELS));
    assertEquals(4, RpoEscalation.levelAt(Duration.ofDays(30), LEVELS));
  }
}
