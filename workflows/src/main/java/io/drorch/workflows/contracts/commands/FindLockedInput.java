package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;
import java.util.List;

/** The keys a retention sweep is about to delete, to be checked against S3 Object Lock. */
public record FindLockedInput(StorageTarget storage, List<String> keys) {}
