package io.drorch.workflows.app;

import io.drorch.workflows.plan.DeployHook;

public record DeployInput(String incidentId, DeployHook hook) {}
