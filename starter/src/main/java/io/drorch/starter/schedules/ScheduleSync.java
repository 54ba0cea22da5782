package io.drorch.starter.schedules;

import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.rpo.RpoRuns;
import io.drorch.workflows.rpo.RpoWatchWorkflow;
import io.drorch.workflows.backup.BaseBackupWorkflow;
import io.drorch.workflows.backup.DatabaseBackupWorkflow;
import io.drorch.workflows.backup.FileBackupWorkflow;
import io.drorch.workflows.backup.RetentionWorkflow;
import io.drorch.workflows.contracts.plan.DrPlan;
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
 * Temporal Schedules from the plan: daily database backup, daily file backup, daily retention;
 * with {@code database.pitr} the weekly full and daily differential base backups; with {@code
 * schedules.rpo-watch} the RPO watch (an interval).
 * {@link #apply} creates missing schedules and updates existing ones in place (keeping an
 * operator's pause), so running it twice leaves the same schedules. The plan gives only the
 * cron expressions: the scheduled workflows carry no plan, the worker on the task queue reads
 * its own.
 */
public final class ScheduleSync {
  public static final String DATABASE_BACKUP = "dr-backup-database";
  public static final String FILE_BACKUP = "dr-backup-files";
  public static final String RETENTION = "dr-retention";
  public static final String BASE_FULL = "dr-backup-base-full";
  public static final String BASE_DIFF = "dr-backup-base-diff";
  public static final String RPO_WATCH = "dr-rpo-watch";
  static final List<String> ALL = List.of(DATABASE_BACKUP, FILE_BACKUP, RETENTION, BASE_FULL,
      BASE_DIFF, RPO_WATCH);

  public record Applied(String scheduleId, String action, String cron, String workflowType) {}

  private ScheduleSync() {}

  /** The schedules the plan asks for, by id. */
  public static List<Desired> desired(DrPlan plan, String requestedBy, String taskQueue) {
    var s = plan.schedules();
    List<Desired> out = new ArrayList<>(List.of(
        new Desired(DATABASE_BACKUP, s.databaseBackup(), action(DatabaseBackupWorkflow.class,
            BackupRuns.DATABASE_ID, BackupRuns.databaseSummary(requestedBy),
            BackupRuns.databaseInput(requestedBy), taskQueue)),
        new Desired(FILE_BACKUP, s.fileBackup(), action(FileBackupWorkflow.class,
            BackupRuns.FILES_ID, BackupRuns.filesSummary(requestedBy),
            BackupRuns.fileInput(requestedBy), taskQueue)),
        new Desired(RETENTION, s.retention(), action(RetentionWorkflow.class,
            BackupRuns.RETENTION_ID, BackupRuns.retentionSummary(requestedBy),
            BackupRuns.retentionInput(requestedBy), taskQueue))));
    var pitr = plan.database() == null ? null : plan.database().pitr();
    if (pitr != null) {
      out.add(new Desired(BASE_FULL, pitr.fullBackup(), action(BaseBackupWorkflow.class,
          BackupRuns.BASE_ID + "-full", BackupRuns.baseSummary("full", requestedBy),
          BackupRuns.baseInput("full", requestedBy), taskQueue)));
      out.add(new Desired(BASE_DIFF, pitr.diffBackup(), action(BaseBackupWorkflow.class,
          BackupRuns.BASE_ID + "-diff", BackupRuns.baseSummary("diff", requestedBy),
          BackupRuns.baseInput("diff", requestedBy), taskQueue)));
    }
    if (s.rpoWatch() != null) {
      out.add(new Desired(RPO_WATCH, null, action(RpoWatchWorkflow.class, RpoRuns.ID,
          RpoRuns.summary(requestedBy), RpoRuns.input(requestedBy), taskQueue), s.rpoWatch()));
    }
    return out;
  }

  /** A schedule: {@code cron} (5 fields) or, when null, every {@code interval}. */
  public record Desired(String id, String cron, ScheduleActionStartWorkflow action,
      java.time.Duration interval) {
    public Desired(String id, String cron, ScheduleActionStartWorkflow action) {
      this(id, cron, action, null);
    }

    /** What {@code dr schedules} prints: the cron, or {@code every 5m}. */
    public String when() {
      return cron != null ? cron : "every " + interval.toSeconds() + "s";
    }
  }

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
            .setSpec(d.cron() != null
                ? ScheduleSpec.newBuilder()
                    .setCronExpressions(List.of(d.cron()))
                    .setTimeZoneName(plan.schedules().timezone())
                    .build()
                : ScheduleSpec.newBuilder()
                    .setIntervals(List.of(new io.temporal.client.schedules.ScheduleIntervalSpec(
                        d.interval())))
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
      out.add(new Applied(d.id(), what, d.when(), d.action().getWorkflowType()));
    }
    return out;
  }

  /** Our schedules as the server has them (missing ones are left out). */
  public static List<ScheduleDescription> describe(ScheduleClient client) {
    List<ScheduleDescription> out = new ArrayList<>();
    for (String id : ALL) {
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
