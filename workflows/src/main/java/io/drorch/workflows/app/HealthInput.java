package io.drorch.workflows.app;

import io.drorch.workflows.plan.HealthCheck;

public record HealthInput(HealthCheck check) {}
