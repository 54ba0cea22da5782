package io.drorch.workflows.contracts.values;

import java.time.Instant;

/** Result of a backup workflow: the committed (manifest-written) backup. */
public record BackupResult(
    String backupId,
    BackupKind kind,
    String dataKey,
    String manifestKey,
    long sizeBytes,
    String sha256,
    Instant startedAt,
    Instant finishedAt) {}
