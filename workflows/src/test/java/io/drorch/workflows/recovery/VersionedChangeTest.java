package io.drorch.workflows.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.common.Payloads;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.Versions;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Verdict;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The versioned change {@value Versions#QUIET_WAITS} deployed while a recovery waits: the run
 * started on the build before it finishes on the new build, on the old branch (progress every
 * interval, hourly reminders), with no non-determinism; a run started on the new build takes the
 * new branch. Each build is a worker of its own that replays the whole history (no cache), as a
 * freshly deployed worker does.
 */
class VersionedChangeTest {
  static final String QUEUE = "versioned-change";
  static final List<RecoveryScope> DB = List.of(RecoveryScope.DATABASE);

  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    TestEnvironmentOptions.Builder options = TestEnvironmentOptions.newBuilder()
        .setInitialTime(RecoveryHarness.T0)
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
            .setDataConverter(Payloads.dataConverter()).build());
    SearchAttributes.definitions().forEach(options::registerSearchAttribute);
    env = TestWorkflowEnvironment.newInstance(options.build());
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void recoveryStartedOnTheOldBuildFinishesOnTheNew() throws Exception {
    RecoveryHarness h = new RecoveryHarness(env, null);
    WorkerFactory oldBuild;
    try (AutoCloseable before = Versions.simulateBuildBefore(Versions.QUIET_WAITS)) {
      oldBuild = build(h);
      h.startOn(QUEUE, "INC-1", DB);
      h.awaitPending();
      env.sleep(Duration.ofHours(6)); // level 4 after 2 h, then hourly reminders
      oldBuild.shutdown();
      oldBuild.awaitTermination(30, TimeUnit.SECONDS);
    }
    int progressOnOld = h.events("INC-1", "progress").size();
    int remindersOnOld = h.events("INC-1", "reminder").size();
    assertTrue(progressOnOld >= 20, progressOnOld + " progress notifications on the old build");
    Instant deployed = now();

    WorkerFactory newBuild = build(h);
    try {
      env.sleep(Duration.ofHours(6));
      // the run keeps the branch it started on: progress every 15 min, a reminder every hour
      List<Notification> reminders = h.events("INC-1", "reminder");
      int progressOnNew = h.events("INC-1", "progress").size() - progressOnOld;
      assertTrue(progressOnNew >= 20, progressOnNew + " progress notifications on the new build");
      assertTrue(reminders.size() - remindersOnOld >= 5,
          (reminders.size() - remindersOnOld) + " reminders on the new build: " + reminders);
      assertFalse(hasMarker("recovery-INC-1"), "the old run never records the change");

      h.recovery.decide(h.signed("erin", Verdict.APPROVE, "database-swap", "after the deploy"));
      assertEquals(Outcome.RECOVERED, h.result().outcome());
      assertTrue(nonDeterminism("recovery-INC-1").isEmpty(),
          nonDeterminism("recovery-INC-1").toString());

      // a run started on the new build takes the new branch: quiet while it waits
      Instant started = now();
      h.startOn(QUEUE, "INC-2", DB);
      h.awaitPending();
      env.sleep(Duration.ofHours(12));
      List<Notification> progress = h.events("INC-2", "progress");
      assertTrue(progress.size() <= 1, "quiet while waiting: " + progress.size() + " progress");
      assertTrue(hasMarker("recovery-INC-2"), "the new run records the change");
      assertTrue(deployed.isBefore(started));
    } finally {
      newBuild.shutdown();
      newBuild.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  /** A worker of its own: the build running now (cache off, so each task replays everything). */
  private WorkerFactory build(RecoveryHarness h) {
    WorkerFactory f = WorkerFactory.newInstance(env.getWorkflowClient(),
        WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(0).build());
    // no sticky queue: the stopped build's would hold the next task (the test server never
    // times it out), and a new build replays the whole history anyway
    h.register(f.newWorker(QUEUE, WorkerOptions.newBuilder()
        .setStickyQueueScheduleToStartTimeout(Duration.ZERO).build()));
    f.start();
    return f;
  }

  private Instant now() {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }

  private boolean hasMarker(String workflowId) {
    return events(workflowId).stream().anyMatch(e -> e.hasMarkerRecordedEventAttributes()
        && e.getMarkerRecordedEventAttributes().getDetailsMap().toString()
            .contains(Versions.QUIET_WAITS));
  }

  private List<String> nonDeterminism(String workflowId) {
    return events(workflowId).stream().filter(HistoryEvent::hasWorkflowTaskFailedEventAttributes)
        .map(e -> e.getWorkflowTaskFailedEventAttributes().getFailure().getMessage())
        .filter(m -> m.contains("TMPRL1100") || m.toLowerCase().contains("nondetermin"))
        .toList();
  }

  private List<HistoryEvent> events(String workflowId) {
    return env.getWorkflowClient().fetchHistory(workflowId).getEvents();
  }
}
