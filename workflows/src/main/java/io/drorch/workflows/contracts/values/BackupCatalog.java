package io.drorch.workflows.contracts.values;

import java.util.List;

/**
 * The backups found in storage.
 *
 * @param backups one entry per manifest, newest first
 * @param orphans objects under the backup folders that no manifest names. The retention sweep
 *     deletes only those with a backup key ({@code BackupKeys.parse}) whose backup id has no
 *     manifest at all; any other object is never deleted
 */
public record BackupCatalog(List<StoredBackup> backups, List<StoredObject> orphans) {}
