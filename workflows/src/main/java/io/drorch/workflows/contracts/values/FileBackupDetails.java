package io.drorch.workflows.contracts.values;

/**
 * What a file backup holds. The listing (JSON Lines: path, size, sha256, one file per line) is
 * stored beside the archive under {@code listingKey}.
 */
public record FileBackupDetails(
    String sourceDir, String listingKey, String listingSha256, long fileCount, long totalBytes) {}
