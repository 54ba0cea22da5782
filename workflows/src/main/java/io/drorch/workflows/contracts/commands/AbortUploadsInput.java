package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;
import java.time.Instant;

public record AbortUploadsInput(StorageTarget storage, Instant olderThan) {}
