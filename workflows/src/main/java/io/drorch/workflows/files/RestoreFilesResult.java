package io.drorch.workflows.files;

public record RestoreFilesResult(
    String stagingDir, String backupId, long files, long bytes, long verifiedEntries) {}
