package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.RestoreVerdict;

public record WriteRestoreVerdictInput(StorageTarget storage, RestoreVerdict verdict) {}
