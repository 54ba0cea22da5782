package io.drorch.workflows.contracts.values;

import java.time.Instant;

/**
 * What {@code PitrActivities.baseBackup} did: the backup's record written to {@code dataKey}
 * (size and SHA-256 for the manifest) and its details.
 */
public record BaseBackupResult(
    String dataKey,
    long sizeBytes,
    String sha256,
    Instant startedAt,
    Instant finishedAt,
    BaseBackupDetails details) {}
