package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;

/** Input of {@code RetentionWorkflow}. Retention days come from {@code storage}. */
public record RetentionInput(StorageTarget storage) {}
