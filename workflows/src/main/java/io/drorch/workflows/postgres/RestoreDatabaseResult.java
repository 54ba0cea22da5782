package io.drorch.workflows.postgres;

public record RestoreDatabaseResult(
    String restoreName, String backupId, long downloadedBytes, String sha256, long restoreMillis) {}
