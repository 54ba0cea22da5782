package io.drorch.workflows.contracts.values;

import java.util.Map;

/**
 * @param restoreMillis from the end of the download to the end of pg_restore (decompression,
 *     database creation, pg_restore)
 * @param stepMillis where the activity's time went, by step ({@code download}, {@code decompress},
 *     {@code create-database}, {@code pg_restore}); null from workers older than this field
 */
public record RestoreDatabaseResult(
    String restoreName, String backupId, long downloadedBytes, String sha256, long restoreMillis,
    Map<String, Long> stepMillis) {

  public RestoreDatabaseResult(String restoreName, String backupId, long downloadedBytes,
      String sha256, long restoreMillis) {
    this(restoreName, backupId, downloadedBytes, sha256, restoreMillis, null);
  }
}
