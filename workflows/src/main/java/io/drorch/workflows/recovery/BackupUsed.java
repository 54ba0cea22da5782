package io.drorch.workflows.recovery;

import io.drorch.workflows.backup.BackupKind;
import java.time.Instant;
import java.util.List;

/** The backup a recovery restored, and the newer ones it rejected (with the reason). */
public record BackupUsed(
    BackupKind kind, String backupId, Instant takenAt, String dataKey, List<String> rejected) {}
