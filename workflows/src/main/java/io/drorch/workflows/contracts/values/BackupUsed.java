package io.drorch.workflows.contracts.values;

import java.time.Instant;
import java.util.List;

/** The backup a recovery restored, and the newer ones it rejected (with the reason). */
public record BackupUsed(
    BackupKind kind, String backupId, Instant takenAt, String dataKey, List<String> rejected) {}
