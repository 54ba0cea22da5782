package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;

/** Deletes the lease of {@code holder} (a workflow id). */
public record ReleaseLeaseInput(StorageTarget storage, String holder) {}
