package io.drorch.starter.cli;

import io.drorch.activities.common.Json;
import io.drorch.activities.rpo.RpoActivitiesImpl;
import io.drorch.activities.storage.S3Clients;
import io.drorch.starter.rpo.RpoRuns;
import io.drorch.starter.rpo.RpoView;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.RpoWatchResult;
import io.drorch.workflows.contracts.values.RpoWatchState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rpo", mixinStandardHelpOptions = true,
    description = "The RPO watch: the age of the newest archived WAL and of the newest valid"
        + " database and file backups against the plan's RPOs, as the last tick measured it (the"
        + " dr-rpo-watch schedule, every schedules.rpo-watch), and the open breaches. Exit code"
        + " 1 when something is in breach.")
class RpoCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--now", description = "Run a tick on the worker now and wait for it (it"
      + " notifies and escalates like a scheduled tick).")
  boolean now;

  @Option(names = "--json", description = "Print the stored state as JSON.")
  boolean json;

  @Override
  public Integer call() {
    return show(global, now, json);
  }

  static int show(GlobalOptions global, boolean now, boolean json) {
    DrPlan plan = global.loadPlan();
    RpoWatchState state;
    if (now) {
      try (Temporal temporal = Temporal.connect(global)) {
        RpoWatchResult r = RpoRuns.tick(temporal.client(), global.taskQueue(),
            System.getProperty("user.name", "dr"));
        r.events().forEach(e -> System.err.println("notified: " + e));
        state = r.state();
      }
    } else {
      try (S3Clients s3 = S3Clients.withDefaultCredentials()) {
        state = RpoActivitiesImpl.read(s3.store(plan.storage()));
      }
    }
    if (json) {
      System.out.println(new String(Json.bytes(state), StandardCharsets.UTF_8));
      return state.open().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }
    boolean breach = RpoView.print(state, Instant.now(), System.out);
    return breach ? ExitCodes.FAILED : ExitCodes.OK;
  }
}
