package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupManifest;
import java.util.List;

/** @param candidates valid backups, newest first: a corrupt one is reported and the next used */
public record DatabaseRecoveryInput(
    String incidentId,
    DatabaseTarget database,
    StorageTarget storage,
    List<BackupManifest> candidates,
    RecoverySettings recovery) {}
