package io.drorch.workflows.files;

import io.drorch.workflows.backup.FileBackupDetails;
import java.time.Instant;

public record ArchiveFilesResult(
    String dataKey,
    String format,
    long sizeBytes,
    String sha256,
    Instant startedAt,
    Instant finishedAt,
    FileBackupDetails details) {}
