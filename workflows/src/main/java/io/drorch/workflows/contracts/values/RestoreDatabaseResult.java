package io.drorch.workflows.contracts.values;

public record RestoreDatabaseResult(
    String restoreName, String backupId, long downloadedBytes, String sha256, long restoreMillis) {}
