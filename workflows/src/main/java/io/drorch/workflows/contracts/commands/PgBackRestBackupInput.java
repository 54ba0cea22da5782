package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;

/**
 * Input of {@code PitrActivities.baseBackup}: run {@code pgbackrest backup --type=TYPE} and
 * record it as {@code backupId}.
 */
public record PgBackRestBackupInput(
    String backupId, String type, DatabaseTarget database, StorageTarget storage) {}
