package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.ApplicationTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;

public record ApplicationRecoveryInput(
    String incidentId, ApplicationTarget application, StorageTarget storage) {}
