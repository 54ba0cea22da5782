package io.drorch.workflows.storage;

import io.drorch.workflows.plan.StorageTarget;
import java.util.List;

public record DeleteObjectsInput(StorageTarget storage, List<String> keys) {}
