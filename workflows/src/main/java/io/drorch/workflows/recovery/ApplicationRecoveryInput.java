package io.drorch.workflows.recovery;

import io.drorch.workflows.plan.ApplicationTarget;
import io.drorch.workflows.plan.StorageTarget;

public record ApplicationRecoveryInput(
    String incidentId, ApplicationTarget application, StorageTarget storage) {}
