package io.drorch.workflows.contracts.values;

public record RestoreFilesResult(
    String stagingDir, String backupId, long files, long bytes, long verifiedEntries) {}
