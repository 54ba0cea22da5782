package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.values.BackupManifest;

/**
 * Prove one committed backup restorable (workflow {@code verify-<backup-id>}), started by the
 * backup workflow that committed it.
 *
 * @param backup the manifest just written (a stored fact, not a plan section)
 * @param onlyFirstOfDay true under {@code verify-by-restore: daily}: skip when another backup of
 *     the kind already carries a marker from the same UTC day
 */
public record VerifyByRestoreInput(BackupManifest backup, boolean onlyFirstOfDay) {}
