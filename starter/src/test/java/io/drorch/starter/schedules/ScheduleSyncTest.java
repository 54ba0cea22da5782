package io.drorch.starter.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.storage.BackupVerifier;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.starter.TestStack;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Against the real Temporal dev server: Schedules are not implemented by the Java test server. */
class ScheduleSyncTest {

  @Test
  void applyingTwiceGivesTheSameSchedulesAndTriggeringTheDatabaseScheduleMakesAValidBackup()
      throws Exception {
    TestStack stack = TestStack.get();
    DrPlan plan = stack.samplePlan("sched_app", "sched-backups");
    try (LocalWorker worker = stack.worker(plan)) {
      applyTwiceAndTrigger(stack, plan, worker.taskQueue());
    }
  }

  private void applyTwiceAndTrigger(TestStack stack, DrPlan plan, String queue) throws Exception {
    ScheduleClient client = ScheduleClient.newInstance(stack.temporal.service());

    var first = ScheduleSync.apply(client, plan, "schedule", queue);
    Map<String, String> shapeAfterFirst = shapes(ScheduleSync.describe(client));
    var second = ScheduleSync.apply(client, plan, "schedule", queue);
    Map<String, String> shapeAfterSecond = shapes(ScheduleSync.describe(client));

    assertEquals(List.of("created", "created", "created", "created"),
        first.stream().map(ScheduleSync.Applied::action).toList());
    assertEquals(List.of("updated", "updated", "updated", "updated"),
        second.stream().map(ScheduleSync.Applied::action).toList());
    assertEquals(4, shapeAfterFirst.size());
    assertEquals(shapeAfterFirst, shapeAfterSecond);
    assertTrue(shapeAfterFirst.get(ScheduleSync.DATABASE_BACKUP)
        .startsWith("DatabaseBackupWorkflow|UTC|SCHEDULE_OVERLAP_POLICY_SKIP|PT1H|backup-db|"),
        shapeAfterFirst.get(ScheduleSync.DATABASE_BACKUP));
    // schedules carry no plan: the input names who asks, the worker on the queue reads its plan
    assertTrue(shapeAfterFirst.get(ScheduleSync.DATABASE_BACKUP)
        .contains("|" + queue + "|{requestedBy=schedule}|"),
        shapeAfterFirst.get(ScheduleSync.DATABASE_BACKUP));
    // the server keeps the cron as a calendar: its next run tells whether it means 02:00 UTC
    var next = client.getHandle(ScheduleSync.DATABASE_BACKUP).describe().getInfo()
        .getNextActionTimes().get(0).atZone(java.time.ZoneOffset.UTC);
    assertEquals(2, next.getHour());
    assertEquals(0, next.getMinute());
    var nextFiles = client.getHandle(ScheduleSync.FILE_BACKUP).describe().getInfo()
        .getNextActionTimes().get(0).atZone(java.time.ZoneOffset.UTC);
    assertEquals(30, nextFiles.getMinute());

    var handle = client.getHandle(ScheduleSync.DATABASE_BACKUP);
    handle.trigger();
    String workflowId = awaitTriggeredRun(handle);
    assertTrue(workflowId.startsWith("backup-db-"), workflowId);
    WorkflowStub.class.cast(stack.temporal.client().newUntypedWorkflowStub(workflowId))
        .getResult(Object.class);

    BackupCatalog catalog = StorageActivitiesImpl.catalog(stack.clients.store(plan.storage()));
    List<StoredBackup> db = catalog.backups().stream()
        .filter(b -> b.manifest().kind() == BackupKind.DATABASE).toList();
    assertEquals(1, db.size());
    assertTrue(db.get(0).valid());
    assertEquals("sched_app", db.get(0).manifest().database().database());
    assertTrue(new BackupVerifier(stack.clients.store(plan.storage()), b -> {})
        .verify(db.get(0).manifest().backupId()).valid());

    for (String id : List.of(ScheduleSync.DATABASE_BACKUP, ScheduleSync.FILE_BACKUP,
        ScheduleSync.RETENTION)) {
      client.getHandle(id).delete();
    }
  }

  private static String awaitTriggeredRun(io.temporal.client.schedules.ScheduleHandle handle)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      var recent = handle.describe().getInfo().getRecentActions();
      if (!recent.isEmpty()) {
        return ((ScheduleActionExecutionStartWorkflow) recent.get(0).getAction()).getWorkflowId();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the triggered schedule started no workflow within 30 s");
  }

  /** What must not change between two applies: type, cron, zone, overlap, catch-up, input. */
  private static Map<String, String> shapes(List<ScheduleDescription> all) {
    return all.stream().collect(Collectors.toMap(ScheduleDescription::getId, d -> {
      var action = (ScheduleActionStartWorkflow) d.getSchedule().getAction();
      var spec = d.getSchedule().getSpec();
      var policy = d.getSchedule().getPolicy();
      ScheduleOverlapPolicy overlap = policy.getOverlap();
      return action.getWorkflowType() + "|" + spec.getTimeZoneName() + "|" + overlap + "|" + policy.getCatchupWindow() + "|"
          + action.getOptions().getWorkflowId() + "|" + action.getOptions().getTaskQueue() + "|"
          + action.getArguments().get(0, Object.class) + "|" + spec.getCronExpressions()
          + spec.getCalendars();
    }));
  }
}
