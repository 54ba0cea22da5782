package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupManifest;
import java.util.List;

/** @param candidates valid backups, newest first: a corrupt one is reported and the next used */
public record FileRecoveryInput(
    String incidentId,
    FilesTarget files,
    StorageTarget storage,
    List<BackupManifest> candidates,
    RecoverySettings recovery) {}
