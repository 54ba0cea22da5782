package io.drorch.workflows.contracts.values;

import java.time.Instant;

public record DumpDatabaseResult(
    String dataKey,
    String format,
    long sizeBytes,
    String sha256,
    Instant startedAt,
    Instant finishedAt,
    DatabaseBackupDetails details) {}
