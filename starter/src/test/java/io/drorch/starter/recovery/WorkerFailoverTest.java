package io.drorch.starter.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drorch.local.LocalTemporal;
import io.drorch.local.SampleApplication;
import io.drorch.starter.StallingProxy;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.WorkerProcess;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prompt failover: a worker killed (kill -9) while an activity of a recovery is stuck on a stalled
 * S3 read (its heartbeat ticker keeps the attempt alive while the worker lives) — during the quick
 * ListBackups and during the long RestoreFromBackup — and a second worker, already polling,
 * finishes the recovery with the right data. The stall (kill → the next attempt started on the
 * other worker) is printed, not asserted: the heartbeat timeout (20 s) bounds it, where the quick
 * call's 10-minute StartToClose used to. Its own dev server: only these workers poll it.
 */
class WorkerFailoverTest {
  static TestStack stack;
  static LocalTemporal temporal;
  static Path logs;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.get();
    temporal = LocalTemporal.startRealServer(stack.dir.resolve("failover-temporal"));
    logs = stack.dir.resolve("failover-logs");
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  @Test
  void killedDuringAStalledListBackupsAnotherWorkerTakesOverWithinTheHeartbeatTimeout()
      throws Exception {
    // the parent's first read of S3: stalled from the start
    failover("fo_list", "FO-1", "RecoveryWorkflow", "recovery-FO-1", "ListBackups",
        StallingProxy::stall);
  }

  @Test
  void killedDuringAStalledRestoreAnotherWorkerTakesOverWithinTheHeartbeatTimeout()
      throws Exception {
    // stalled at the download of the dump (a stall from the start would catch ListBackups, the
    // parent's first read, and the restore would never start)
    failover("fo_restore", "FO-2", "DatabaseRecoveryWorkflow", "recovery-FO-2-database",
        "RestoreFromBackup", s3 -> s3.stallAt(line -> line.startsWith("GET ")
            && line.contains(".dump")));
  }

  /**
   * Backs up {@code db} through the proxy, drops it, arms the stall, starts the recovery and waits
   * until {@code activity} of {@code workflowId} runs on worker 1 (stuck on S3); starts worker 2,
   * kills worker 1, releases S3, and measures until the next attempt of {@code activity} runs.
   */
  private void failover(String db, String incident, String label, String workflowId,
      String activity, java.util.function.Consumer<StallingProxy> arm) throws Exception {
    SampleApplication.createDatabase(stack.pg, db, 2);
    String bucket = db.replace('_', '-');
    stack.s3.createBucket(bucket);
    try (StallingProxy s3 = new StallingProxy(stack.s3.endpoint())) {
      StorageTarget direct = stack.storage(bucket);
      StorageTarget viaProxy = new StorageTarget(direct.bucket(), direct.prefix(),
          direct.region(), s3.url(), direct.pathStyle(), direct.retentionDays(),
          direct.versioning(), direct.noncurrentVersionDays());
      DrPlan plan = stack.withWorkDir(stack.plan(new DatabaseTarget(stack.pg.host(),
              stack.pg.port(), db, stack.pg.superuser(), null, "gzip"),
          new FilesTarget(stack.dir.resolve("uploads-" + db).toString()), viaProxy),
          "failover-" + db, List.of());
      Path planFile = stack.planFile(plan, db);
      java.util.Map<String, DataFingerprint.Table> before;
      try (WorkerProcess first = WorkerProcess.start(temporal.target(), stack, planFile,
          logs.resolve(db + "-1.log"))) {
        BackupRuns.await(BackupRuns.startDatabase(temporal.client(), TaskQueues.DR, "test"));
        before = fingerprint(db);
        stack.pg.dropDatabase(db);

        arm.accept(s3);
        RecoveryWorkflow wf = RecoveryRuns.start(temporal.client(), TaskQueues.DR, incident,
            List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "test");
        Waits.await(activity + " stuck on the stalled S3 on worker 1", Duration.ofMinutes(3),
            () -> running(workflowId, activity).map(a -> a.getAttempt() == 1).orElse(false)
                && s3.held() > 0);
        try (WorkerProcess second = WorkerProcess.start(temporal.target(), stack, planFile,
            logs.resolve(db + "-2.log"))) {
          // still stuck, and still alive: the ticker beat for it while worker 2 started
          assertEquals(1, running(workflowId, activity).orElseThrow().getAttempt());
          first.kill9();
          long killedAt = System.nanoTime();
          s3.release();
          Waits.await("the dead worker's attempt of " + activity + " given up",
              Duration.ofMinutes(3), () -> attempt(workflowId, activity)
                  .map(a -> a.getAttempt() > 1).orElse(true));
          double detected = (System.nanoTime() - killedAt) / 1e9;
          Waits.await("the next attempt of " + activity + " running (or done)",
              Duration.ofMinutes(3), () -> attempt(workflowId, activity)
                  .map(a -> a.getAttempt() > 1
                      && a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)
                  .orElse(true));
          double stall = (System.nanoTime() - killedAt) / 1e9;
          System.out.printf(java.util.Locale.ROOT, "failover after kill -9 during %s (%s):"
              + " attempt given up after %.1f s, next attempt running after %.1f s%n", activity,
              label, detected, stall);

          Waits.pending(wf, "database-swap", 0, Duration.ofMinutes(4));
          RecoveryRuns.decide(temporal.client(), incident, "alice", Verdict.APPROVE, null, null,
              stack.signer("alice"));
          RecoveryReport report = RecoveryRuns.result(temporal.client(), incident);
          assertEquals(Outcome.RECOVERED, report.outcome(),
              report.outcomeDetail() + "\n" + second.logTail());
        }
      }
      try (Connection c = stack.pg.connect(db)) {
        assertEquals(before, DataFingerprint.databaseLike(c, before));
      }
    }
  }

  /** The pending, started {@code activity} of {@code workflowId}, if any. */
  private static Optional<PendingActivityInfo> running(String workflowId, String activity) {
    return attempt(workflowId, activity)
        .filter(a -> a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
  }

  /** The pending {@code activity} of {@code workflowId} (any state), if any. */
  private static Optional<PendingActivityInfo> attempt(String workflowId, String activity) {
    try {
      var d = temporal.client().getWorkflowServiceStubs().blockingStub()
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(temporal.client().getOptions().getNamespace())
              .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                  .setWorkflowId(workflowId))
              .build());
      return d.getPendingActivitiesList().stream()
          .filter(a -> a.getActivityType().getName().equals(activity))
          .findFirst();
    } catch (io.grpc.StatusRuntimeException notYet) {
      return Optional.empty();
    }
  }

  private static java.util.Map<String, DataFingerprint.Table> fingerprint(String db)
      throws Exception {
    try (Connection c = stack.pg.connect(db)) {
      return DataFingerprint.database(c);
    }
  }
}
