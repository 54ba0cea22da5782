package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;
import java.util.List;

public record DeleteObjectsInput(StorageTarget storage, List<String> keys) {}
