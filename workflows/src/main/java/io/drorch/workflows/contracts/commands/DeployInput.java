package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DeployHook;

public record DeployInput(String incidentId, DeployHook hook) {}
