package io.drorch.workflows.backup;

import io.drorch.workflows.plan.StorageTarget;

/** Input of {@link RetentionWorkflow}. Retention days come from {@code storage}. */
public record RetentionInput(StorageTarget storage) {}
