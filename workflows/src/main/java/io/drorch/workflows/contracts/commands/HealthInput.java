package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.HealthCheck;

public record HealthInput(HealthCheck check) {}
