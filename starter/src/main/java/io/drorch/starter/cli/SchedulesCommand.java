package io.drorch.starter.cli;

import io.drorch.starter.schedules.ScheduleSync;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.temporal.client.schedules.ScheduleDescription;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "schedules", mixinStandardHelpOptions = true,
    description = "Temporal Schedules for the daily backups and the retention sweep.",
    subcommands = {SchedulesCommand.Apply.class, SchedulesCommand.ListSchedules.class})
class SchedulesCommand {

  @Command(name = "apply", mixinStandardHelpOptions = true,
      description = "Create or update the schedules from the plan (idempotent; keeps a pause).")
  static class Apply implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Override
    public Integer call() {
      DrPlan plan = global.loadPlan();
      try (Temporal temporal = Temporal.connect(global)) {
        for (ScheduleSync.Applied a :
            ScheduleSync.apply(temporal.schedules(), plan, "schedule", global.taskQueue())) {
          System.out.printf("%-20s %-8s %-14s %s%n", a.scheduleId(), a.action(), a.cron(),
              a.workflowType());
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Show our schedules: cron, paused, next and last runs.")
  static class ListSchedules implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Override
    public Integer call() {
      try (Temporal temporal = Temporal.connect(global)) {
        var all = ScheduleSync.describe(temporal.schedules());
        if (all.isEmpty()) {
          System.out.println("(no schedules: run `dr schedules apply`)");
        }
        for (ScheduleDescription d : all) {
          var info = d.getInfo();
          var spec = d.getSchedule().getSpec();
          System.out.printf("%-20s cron=%s (%s) paused=%s next=%s actions=%d last=%s%n", d.getId(),
              ScheduleSync.cron(spec),
              spec.getTimeZoneName() == null || spec.getTimeZoneName().isEmpty() ? "UTC"
                  : spec.getTimeZoneName(),
              d.getSchedule().getState() != null && d.getSchedule().getState().isPaused(),
              info.getNextActionTimes().isEmpty() ? "-" : info.getNextActionTimes().get(0),
              info.getNumActions(),
              info.getRecentActions().isEmpty() ? "-"
                  : info.getRecentActions().get(info.getRecentActions().size() - 1).getStartedAt());
        }
        return ExitCodes.OK;
      }
    }
  }
}
