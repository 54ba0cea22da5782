package io.drorch.workflows.storage;

import io.drorch.workflows.plan.StorageTarget;
import java.time.Instant;

public record AbortUploadsInput(StorageTarget storage, Instant olderThan) {}
