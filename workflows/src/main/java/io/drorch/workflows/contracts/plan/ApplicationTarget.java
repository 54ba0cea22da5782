package io.drorch.workflows.contracts.plan;

import java.time.Duration;

/**
 * The application to bring back after its data: how to deploy it, where its environment comes
 * from, how to tell it is healthy and how long to watch it afterwards. May be null in a plan
 * that does not recover the application.
 */
public record ApplicationTarget(
    DeployHook deploy, EnvironmentSource environment, HealthCheck health, Duration monitorWindow) {}
