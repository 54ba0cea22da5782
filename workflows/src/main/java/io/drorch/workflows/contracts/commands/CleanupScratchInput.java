package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.values.BackupKind;

/**
 * Remove a restore test's scratch target and downloads.
 *
 * @param kind DATABASE: drop the scratch database on {@code liveDatabase}'s server; FILES: remove
 *     the scratch directory
 */
public record CleanupScratchInput(
    String testId,
    BackupKind kind,
    DatabaseTarget liveDatabase,
    FilesTarget liveFiles,
    String scratch,
    String workDir) {}
