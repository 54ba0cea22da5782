package io.drorch.workflows.contracts.values;

import java.util.List;

/**
 * The backups found in storage.
 *
 * @param backups one entry per manifest, newest first
 * @param orphans objects under the backup folders that no manifest names
 */
public record BackupCatalog(List<StoredBackup> backups, List<StoredObject> orphans) {}
