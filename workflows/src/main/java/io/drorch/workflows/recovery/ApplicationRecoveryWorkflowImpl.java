package io.drorch.workflows.recovery;

import io.drorch.workflows.app.ApplicationActivities;
import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.contracts.commands.ApplicationRecoveryInput;
import io.drorch.workflows.contracts.commands.DeployInput;
import io.drorch.workflows.contracts.commands.EnvironmentInput;
import io.drorch.workflows.contracts.commands.HealthInput;
import io.drorch.workflows.contracts.commands.MonitorInput;
import io.drorch.workflows.contracts.plan.ApplicationTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PartResult;
import io.drorch.workflows.contracts.values.RecoveryScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class ApplicationRecoveryWorkflowImpl extends ChildRecoveryBase implements ApplicationRecoveryWorkflow {
  /** Consecutive failed health checks that end the monitor window as unhealthy. */
  static final int MONITOR_MAX_FAILURES = 3;

  /**
   * The deploy hook as the Web UI's summary shows it, readable without the codec server: the
   * program, or the method and the URL's scheme and host — never arguments or a URL's path and
   * query, where a token may sit.
   */
  static String deployShown(ApplicationTarget a) {
    if (a.deploy().command() != null && !a.deploy().command().isEmpty()) {
      List<String> c = a.deploy().command();
      return c.get(0) + (c.size() > 1 ? " …" : "");
    }
    String url = String.valueOf(a.deploy().url());
    int scheme = url.indexOf("://");
    int path = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
    return a.deploy().method() + " " + (path < 0 ? url : url.substring(0, path) + "/…");
  }

  /** A stub for one call, shown in the Web UI as {@code summary}. */
  private static ApplicationActivities app(String summary) {
    return ActivityStubs.longRunning(ApplicationActivities.class, summary);
  }

  public ApplicationRecoveryWorkflowImpl() {
    super("application");
  }

  @Override
  public PartResult recover(ApplicationRecoveryInput in) {
    ChildSteps s = steps();
    DrPlan plan;
    try {
      plan = s.plan(in.planSha256());
    } catch (PartStopped stop) {
      return DataRecovery.stopped(s, RecoveryScope.APPLICATION, stop);
    }
    ApplicationTarget a = plan.deployment();
    List<String> details = new ArrayList<>();
    try {
      if (a.deploy() != null) {
        String deploy = "deploy the latest version: " + deployShown(a);
        s.run("app-deploy", deploy, () -> app(deploy).deploy(new DeployInput(in.incidentId(), a.deploy())))
            .ifPresent(r -> details.add("deployed (outcome " + r.outcome() + ")"));
      }
      if (a.environment() != null) {
        String env = "restore environment variables from " + a.environment().from();
        s.run("app-environment", env, () -> app(env).restoreEnvironment(
                new EnvironmentInput(a.environment(), plan.storage(), in.incidentId())))
            .ifPresent(r -> details.add("environment restored to " + r.writtenTo() + ": "
                + r.variableNames().size() + " variables " + r.variableNames()
                + (r.keptAs() == null ? "" : "; the previous file kept as " + r.keptAs())));
      }
      if (a.health() != null) {
        String health = "wait until " + a.health().url() + " is healthy";
        s.run("app-health", health, () -> app(health).awaitHealthy(new HealthInput(a.health())))
            .ifPresent(r -> details.add("healthy after " + r.checks() + " checks"));
        Duration window = a.monitorWindow() == null ? Duration.ZERO : a.monitorWindow();
        if (!window.isZero()) {
          String monitor = "monitor " + a.health().url() + " for " + (window.toSeconds() < 120
              ? window.toSeconds() + " s" : window.toMinutes() + " min");
          s.run("app-monitor", monitor, () -> app(monitor).monitor(new MonitorInput(a.health(), window, MONITOR_MAX_FAILURES)))
              .ifPresent(r -> details.add("stayed healthy for the monitor window (" + r.checks()
                  + " checks)"));
        }
      }
      s.details("**application**: recovered");
      return s.finish(
          new PartResult(RecoveryScope.APPLICATION, Outcome.RECOVERED, null, null, details));
    } catch (PartStopped stop) {
      details.add(stop.getMessage());
      return s.finish(new PartResult(RecoveryScope.APPLICATION, stop.outcome, null, null, details));
    }
  }
}
