package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.values.BackupManifest;
import java.util.List;

/**
 * Input of the files part of a recovery (a child of the recovery workflow). The uploads
 * directory, storage and settings come from the worker's plan, which the child loads itself.
 *
 * @param planSha256 the hash of the plan the parent loaded: the child's must be the same
 * @param candidates valid backups, newest first: a corrupt one is reported and the next used
 */
public record FileRecoveryInput(
    String incidentId, String planSha256, List<BackupManifest> candidates) {}
