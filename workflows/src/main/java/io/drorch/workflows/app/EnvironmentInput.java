package io.drorch.workflows.app;

import io.drorch.workflows.plan.EnvironmentSource;
import io.drorch.workflows.plan.StorageTarget;

public record EnvironmentInput(EnvironmentSource source, StorageTarget storage) {}
