package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.EnvironmentSource;
import io.drorch.workflows.contracts.plan.StorageTarget;

public record EnvironmentInput(EnvironmentSource source, StorageTarget storage) {}
