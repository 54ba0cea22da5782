package io.drorch.workflows.contracts.values;

/**
 * Result of re-reading a backup.
 *
 * @param problem null when valid; otherwise what is wrong, in one sentence
 */
public record VerifyBackupResult(
    String backupId,
    String dataKey,
    boolean valid,
    long expectedSize,
    long actualSize,
    String expectedSha256,
    String actualSha256,
    String problem) {}
