package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.HealthCheck;
import java.time.Duration;

/** @param maxFailures consecutive failed checks that end the monitoring as unhealthy */
public record MonitorInput(HealthCheck check, Duration window, int maxFailures) {}
