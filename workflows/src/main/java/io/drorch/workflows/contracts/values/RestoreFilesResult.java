package io.drorch.workflows.contracts.values;

/**
 * @param fingerprint SHA-256 over the sorted {@code path size sha256 mode} lines of the verified
 *     staging tree: what an approval of the swap names
 */
public record RestoreFilesResult(
    String stagingDir, String backupId, long files, long bytes, long verifiedEntries,
    String fingerprint) {}
