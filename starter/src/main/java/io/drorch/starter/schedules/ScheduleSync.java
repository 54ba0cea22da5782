package io.drorch.starter.schedules;

import io.drorch.starter.backup.BackupRuns;
import io.drorch.workflows.backup.DatabaseBackupWorkflow;
import io.drorch.workflows.backup.FileBackupWorkflow;
import io.drorch.workflows.backup.RetentionWorkflow;
import io.drorch.starter.drill.DrillRuns;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.drill.DrillWorkflow;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * Temporal Schedules from the plan: daily database backup, daily file backup, daily retention,
 * the quarterly DR drill.
 * {@link #apply} creates missing schedules and updates existing ones in place (keeping an
 * operator's pause), so running it twice leaves the same schedules. The plan gives only the
 * cron expressions: the scheduled workflows carry no plan, the worker on the task queue reads
 * its own.
 */
public final class ScheduleSync {
  public static final String DATABASE_BACKUP = "dr-backup-database";
  public static final String FILE_BACKUP = "dr-backup-files";
  public static final String RETENTION = "dr-retention";
  public static final String DRILL = "dr-drill";

  public record Applied(String scheduleId, String action, String cron, String workflowType) {}

  private ScheduleSync() {}

  /** The schedules the plan asks for, by id. */
  public static List<Desired> desired(DrPlan plan, String requestedBy, String taskQueue) {
    var s = plan.schedules();
    return List.of(
        new Desired(DATABASE_BACKUP, s.databaseBackup(), action(DatabaseBackupWorkflow.class,
            BackupRuns.DATABASE_ID, BackupRuns.databaseSummary(requestedBy),
            BackupRuns.databaseInput(requestedBy), taskQueue)),
        new Desired(FILE_BACKUP, s.fileBackup(), action(FileBackupWorkflow.class,
            BackupRuns.FILES_ID, BackupRuns.filesSummary(requestedBy),
            BackupRuns.fileInput(requestedBy), taskQueue)),
        new Desired(RETENTION, s.retention(), action(RetentionWorkflow.class,
            BackupRuns.RETENTION_ID, BackupRuns.retentionSummary(requestedBy),
            BackupRuns.retentionInput(requestedBy), taskQueue)),
        new Desired(DRILL, PlanDefaults.drillSchedule(s), action(DrillWorkflow.class,
            DrillRuns.SCHEDULE_ID_BASE, DrillRuns.summary(requestedBy),
            DrillRuns.input(List.of(), requestedBy), taskQueue)));
  }

  public record Desired(String id, String cron, ScheduleActionStartWorkflow action) {}

  private static ScheduleActionStartWorkflow action(
      Class<?> workflow, String idBase, String summary, Object input, String taskQueue) {
    return ScheduleActionStartWorkflow.newBuilder()
        .setWorkflowType(workflow)
        .setArguments(input)
        .setOptions(
            WorkflowOptions.newBuilder()
                .setWorkflowId(idBase)
                .setTaskQueue(taskQueue)
                // no static summary here: SDK 1.38 cannot read it back when describing the
                // schedule (DataConverterException on the summary payload); it goes in the memo
                .setMemo(java.util.Map.of("summary", summary))
                .build())
        .build();
  }

  static Schedule schedule(DrPlan plan, Desired d, io.temporal.client.schedules.ScheduleState state) {
    Schedule.Builder b =
        Schedule.newBuilder()
            .setAction(d.action())
            .setSpec(
                ScheduleSpec.newBuilder()
                    .setCronExpressions(List.of(d.cron()))
                    .setTimeZoneName(plan.schedules().timezone())
                    .build())
            .setPolicy(
                SchedulePolicy.newBuilder()
                    .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                    .setCatchupWindow(plan.schedules().catchupWindow())
                    .build());
    if (state != null) {
      b.setState(state);
    }
    return b.build();
  }

  public static List<Applied> apply(ScheduleClient client, DrPlan plan, String requestedBy,
      String taskQueue) {
    List<Applied> out = new ArrayList<>();
    for (Desired d : desired(plan, requestedBy, taskQueue)) {
      String what;
      try {
        client.createSchedule(d.id(), schedule(plan, d, null), ScheduleOptions.newBuilder().build());
        what = "created";
      } catch (ScheduleAlreadyRunningException exists) {
        client.getHandle(d.id()).update(input -> {
          ScheduleDescription current = input.getDescription();
          return new ScheduleUpdate(schedule(plan, d, current.getSchedule().getState()));
        });
        what = "updated";
      }
      out.add(new Applied(d.id(), what, d.cron(), d.action().getWorkflowType()));
    }
    return out;
  }

  /** Our schedules as the server has them (missing ones are left out). */
  public static List<ScheduleDescription> describe(ScheduleClient client) {
    List<ScheduleDescription> out = new ArrayList<>();
    for (String id : List.of(DATABASE_BACKUP, FILE_BACKUP, RETENTION, DRILL)) {
      try {
        out.add(client.getHandle(id).describe());
      } catch (io.temporal.client.schedules.ScheduleException
          | io.grpc.StatusRuntimeException missing) {
        // not applied yet
      }
    }
    return out;
  }
}
