package io.drorch.workflows.recovery;

import io.drorch.workflows.backup.BackupManifest;
import io.drorch.workflows.plan.DatabaseTarget;
import io.drorch.workflows.plan.RecoverySettings;
import io.drorch.workflows.plan.StorageTarget;
import java.util.List;

/** @param candidates valid backups, newest first: a corrupt one is reported and the next used */
public record DatabaseRecoveryInput(
    String incidentId,
    DatabaseTarget database,
    StorageTarget storage,
    List<BackupManifest> candidates,
    RecoverySettings recovery) {}
