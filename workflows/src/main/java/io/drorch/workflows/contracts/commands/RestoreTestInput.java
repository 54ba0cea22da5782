package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupManifest;

/**
 * Restore one backup into a scratch target and compare it with its manifest.
 *
 * @param testId names this test's downloads in the work directory ({@code workDir/testId}) and its
 *     scratch targets, e.g. {@code drill-2026q4} or the backup id; letters, digits, {@code . _ -}
 * @param liveDatabase the plan's database: the server to restore on, and the live name the scratch
 *     database must never be (database backups)
 * @param liveFiles the plan's uploads directory, which the scratch directory must never be, hold or
 *     sit in (file backups)
 * @param scratch the scratch database name or directory, from {@code ScratchTargets}
 * @param jobs {@code pg_restore -j}
 */
public record RestoreTestInput(
    String testId,
    BackupManifest backup,
    StorageTarget storage,
    DatabaseTarget liveDatabase,
    FilesTarget liveFiles,
    String scratch,
    String workDir,
    int jobs) {}
