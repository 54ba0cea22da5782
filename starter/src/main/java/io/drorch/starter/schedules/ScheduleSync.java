package io.drorch.starter.schedules;

import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.rpo.RpoRuns;
import io.drorch.workflows.rpo.RpoWatchWorkflow;
import io.drorch.workflows.backup.BaseBackupWorkflow;
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
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * Temporal Schedules from the plan: daily database backup, daily file backup, daily retention,
 * the quarterly DR drill; with {@code database.pitr} the weekly full and daily differential base
 * backups; with {@code schedules.rpo-watch} the RPO watch (an interval).
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
  public static final String BASE_FULL = "dr-backup-base-full";
  public static final String BASE_DIFF = "dr-backup-base-diff";
  public static final String RPO_WATCH = "dr-rpo-watch";
  static final List<String> ALL = List.of(DATABASE_BACKUP, FILE_BACKUP, RETENTION, DRILL,
      BASE_FULL, BASE_DIFF, RPO_WATCH);

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
            BackupRuns.retentionInput(requestedBy), taskQueue)),
        new Desired(DRILL, PlanDefaults.drillSchedule(s), action(DrillWorkflow.class,
            DrillRuns.SCHEDULE_ID_BASE, DrillRuns.summary(requestedBy),
            DrillRuns.input(List.of(), requestedBy), taskQueue))));
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

  /**
   * When a schedule runs, as cron: the server keeps a cron expression as a structured calendar and
   * describes it so (its cron list comes back empty), so the calendar is written back as cron,
   * {@code 0 2 * * *} for the plan's {@code 0 2 * * *}; a seconds field only when not 0. More
   * than one calendar are joined with {@code ; }; interval specs read {@code every PT1H}.
   */
  public static String cron(ScheduleSpec spec) {
    List<String> out = new ArrayList<>(orEmpty(spec.getCronExpressions()));
    for (ScheduleCalendarSpec c : orEmpty(spec.getCalendars())) {
      if (c.getComment() != null && !c.getComment().isBlank()) {
        out.add(c.getComment()); // the server may keep the cron it was given as the comment
        continue;
      }
      // unset seconds, minutes and hours mean 0, unset days and months every one (the server's)
      String seconds = field(c.getSeconds(), 0, 59, "0");
      out.add((seconds.equals("0") ? "" : seconds + " ") + field(c.getMinutes(), 0, 59, "0") + " "
          + field(c.getHour(), 0, 23, "0") + " " + field(c.getDayOfMonth(), 1, 31, "*") + " "
          + field(c.getMonth(), 1, 12, "*") + " " + field(c.getDayOfWeek(), 0, 6, "*"));
    }
    orEmpty(spec.getIntervals()).forEach(i -> out.add("every " + i.getEvery()));
    return out.isEmpty() ? "-" : String.join("; ", out);
  }

  /** One cron field from its ranges: {@code *}, {@code 5}, {@code 1-5}, {@code 0-59/15}, lists. */
  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  static String field(List<ScheduleRange> ranges, int min, int max, String unset) {
    if (ranges == null || ranges.isEmpty()) {
      return unset;
    }
    List<String> parts = new ArrayList<>();
    for (ScheduleRange r : ranges) {
      int start = r.getStart();
      int end = Math.max(start, r.getEnd()); // end 0 (unset) means the start alone
      int step = Math.max(1, r.getStep());
      if (start <= min && end >= max) {
        parts.add(step == 1 ? "*" : "*/" + step);
      } else if (start == end) {
        parts.add(String.valueOf(start));
      } else {
        parts.add(start + "-" + end + (step == 1 ? "" : "/" + step));
      }
    }
    return String.join(",", parts);
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
