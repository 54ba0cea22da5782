package io.drorch.workflows.app;

import io.drorch.workflows.plan.HealthCheck;
import java.time.Duration;

/** @param maxFailures consecutive failed checks that end the monitoring as unhealthy */
public record MonitorInput(HealthCheck check, Duration window, int maxFailures) {}
