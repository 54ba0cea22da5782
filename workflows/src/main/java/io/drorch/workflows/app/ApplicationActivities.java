package io.drorch.workflows.app;

import io.drorch.workflows.contracts.commands.DeployInput;
import io.drorch.workflows.contracts.commands.EnvironmentInput;
import io.drorch.workflows.contracts.commands.HealthInput;
import io.drorch.workflows.contracts.commands.MonitorInput;
import io.drorch.workflows.contracts.values.DeployResult;
import io.drorch.workflows.contracts.values.EnvironmentResult;
import io.drorch.workflows.contracts.values.HealthResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The application recovery's side effects: deploy, environment, health, monitoring. */
@ActivityInterface
public interface ApplicationActivities {

  /** Runs the plan's deploy hook (command or HTTP call); APP_DEPLOY_FAILED when it fails. */
  @ActivityMethod
  DeployResult deploy(DeployInput input);

  /** Copies the env file into place (mode 600); reports variable NAMES only, never values. */
  @ActivityMethod
  EnvironmentResult restoreEnvironment(EnvironmentInput input);

  /** Polls the health check until it answers as expected or the timeout passes (APP_UNHEALTHY). */
  @ActivityMethod
  HealthResult awaitHealthy(HealthInput input);

  /** Polls the health check for the monitor window; APP_UNHEALTHY when it fails repeatedly. */
  @ActivityMethod
  HealthResult monitor(MonitorInput input);
}
