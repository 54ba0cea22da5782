package io.drorch.starter.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.files.SwapMarker;
import io.drorch.local.LocalTemporal;
import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.WorkerProcess;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.Names;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import io.temporal.api.history.v1.HistoryEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Host affinity (issue 8, item 2), two workers with different host names ({@code DR_HOST_NAME})
 * on one dev server: the directory swap is sent to the queue of the host that restored staging
 * and runs there, although the other worker polls the shared queue too; and a swap that finds
 * neither staging nor this recovery's marker fails loudly (a human is asked) instead of taking
 * "staging gone, target there" for a swap done and reporting RECOVERED.
 */
class HostAffinityTest {
  static TestStack stack;
  static LocalTemporal temporal;
  static Path logs;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    temporal = LocalTemporal.startRealServer(stack.dir.resolve("affinity-temporal"));
    logs = stack.dir.resolve("affinity-logs");
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  @Test
  void theSwapRunsOnTheHostThatRestoredStaging() throws Exception {
    DrPlan plan = plan("aff_one");
    Path uploads = Path.of(plan.files().uploadsDir());
    Path planFile = stack.planFile(plan, "aff_one");
    try (WorkerProcess a = worker(planFile, "host-a", "one-a.log")) {
      BackupRuns.await(BackupRuns.startFiles(temporal.client(), TaskQueues.DR, "test"));
      var before = DataFingerprint.tree(uploads);
      damage(uploads);

      // only host-a runs: it restores staging onto its disk
      RecoveryWorkflow wf = RecoveryRuns.start(temporal.client(), TaskQueues.DR, "AFF-1",
          List.of(RecoveryScope.FILES), Tier.CRITICAL, null, null, "test");
      Waits.pending(wf, "files-swap", 0, Duration.ofMinutes(3));
      try (WorkerProcess b = worker(planFile, "host-b", "one-b.log")) {
        Waits.await("host-b polling", Duration.ofMinutes(2),
            () -> logged(b, "DR worker on task queue"));
        RecoveryRuns.decide(temporal.client(), "AFF-1", "alice", Verdict.APPROVE, null, null,
            stack.signer("alice"));
        RecoveryReport report = RecoveryRuns.result(temporal.client(), "AFF-1");
        assertEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
      }
      Map<String, HistoryEvent> scheduled = scheduled("recovery-AFF-1-files");
      assertEquals(TaskQueues.ofHost(TaskQueues.DR, "host-a"),
          scheduled.get("SwapDirectory").getActivityTaskScheduledEventAttributes()
              .getTaskQueue().getName(), "the swap sent to the queue of the restoring host");
      Map<String, String> ranOn = identities("recovery-AFF-1-files");
      assertEquals(ranOn.get("RestoreToStaging"), ranOn.get("SwapDirectory"),
          "the swap ran on the worker that restored staging: " + ranOn);
      assertEquals(before, DataFingerprint.tree(uploads));
      assertTrue(Files.readString(uploads.resolve(SwapMarker.NAME)).contains("incident: AFF-1"));
    }
  }

  @Test
  void aSwapWhereStagingIsNotAndTheMarkerIsNotFailsInsteadOfReportingRecovered()
      throws Exception {
    DrPlan plan = plan("aff_two");
    Path uploads = Path.of(plan.files().uploadsDir());
    Path planFile = stack.planFile(plan, "aff_two");
    Path staging = Path.of(Names.directory(uploads.toString(), ".restore-", "AFF-2") + ".a1");
    try (WorkerProcess a = worker(planFile, "host-a", "two-a.log")) {
      BackupRuns.await(BackupRuns.startFiles(temporal.client(), TaskQueues.DR, "test"));
      var before = DataFingerprint.tree(uploads);
      damage(uploads);
      var damaged = DataFingerprint.tree(uploads);

      RecoveryWorkflow wf = RecoveryRuns.start(temporal.client(), TaskQueues.DR, "AFF-2",
          List.of(RecoveryScope.FILES), Tier.CRITICAL, null, null, "test");
      Waits.pending(wf, "files-swap", 0, Duration.ofMinutes(3));
      // as seen from a host without it: staging is not there, the live directory is
      assertTrue(Files.isDirectory(staging), staging + " restored");
      deleteTree(staging);
      RecoveryRuns.decide(temporal.client(), "AFF-2", "alice", Verdict.APPROVE, null, null,
          stack.signer("alice"));

      var failed = Waits.pending(wf, "files-swap-failed-1", 0, Duration.ofMinutes(3));
      assertTrue(failed.description().contains("does not exist on host"), failed.description());
      assertEquals(damaged, DataFingerprint.tree(uploads), "the live directory untouched");
      RecoveryRuns.decide(temporal.client(), "AFF-2", "alice", Verdict.ABORT,
          "files-swap-failed-1", null, stack.signer("alice"));
      RecoveryReport report = RecoveryRuns.result(temporal.client(), "AFF-2");
      assertNotEquals(Outcome.RECOVERED, report.outcome(), report.outcomeDetail());
      assertNotEquals(before, DataFingerprint.tree(uploads));
    }
  }

  private static boolean logged(WorkerProcess w, String text) {
    try {
      return Files.exists(w.log()) && Files.readString(w.log()).contains(text);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static WorkerProcess worker(Path planFile, String host, String log) throws Exception {
    return WorkerProcess.start(temporal.target(), stack, planFile, logs.resolve(log),
        Map.of(TaskQueues.HOST_ENV, host));
  }

  private DrPlan plan(String name) throws Exception {
    SampleApplication.createDatabase(stack.pg, name, 1);
    Path uploads = stack.dir.resolve("uploads-" + name);
    SampleApplication.createUploads(uploads, 20);
    String bucket = name.replace('_', '-');
    stack.s3.createBucket(bucket);
    DrPlan p = stack.plan(
        new io.drorch.workflows.contracts.plan.DatabaseTarget(stack.pg.host(), stack.pg.port(),
            name, stack.pg.superuser(), null, "gzip"),
        new FilesTarget(uploads.toString()), stack.storage(bucket));
    return stack.withWorkDir(p, "affinity-" + name, List.of());
  }

  /** One file lost, one file that should not be there. */
  private static void damage(Path uploads) throws Exception {
    try (var s = Files.walk(uploads)) {
      Path victim = s.filter(Files::isRegularFile).findFirst().orElseThrow();
      Files.delete(victim);
    }
    Files.writeString(uploads.resolve("ransom-note.txt"), "pay up");
  }

  /** Activity type → its ActivityTaskScheduled event (the last one of each type). */
  private static Map<String, HistoryEvent> scheduled(String workflowId) {
    Map<String, HistoryEvent> out = new HashMap<>();
    for (HistoryEvent e : temporal.client().fetchHistory(workflowId).getEvents()) {
      if (e.hasActivityTaskScheduledEventAttributes()) {
        out.put(e.getActivityTaskScheduledEventAttributes().getActivityType().getName(), e);
      }
    }
    return out;
  }

  /** Activity type → the identity of the worker that ran it (its last attempt). */
  private static Map<String, String> identities(String workflowId) {
    Map<Long, String> typeOf = new HashMap<>();
    Map<String, String> out = new HashMap<>();
    for (HistoryEvent e : temporal.client().fetchHistory(workflowId).getEvents()) {
      if (e.hasActivityTaskScheduledEventAttributes()) {
        typeOf.put(e.getEventId(),
            e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (e.hasActivityTaskStartedEventAttributes()) {
        var a = e.getActivityTaskStartedEventAttributes();
        out.put(typeOf.get(a.getScheduledEventId()), a.getIdentity());
      }
    }
    return out;
  }

  private static void deleteTree(Path root) throws Exception {
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
