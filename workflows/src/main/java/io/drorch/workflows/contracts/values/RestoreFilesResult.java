package io.drorch.workflows.contracts.values;

/**
 * @param fingerprint SHA-256 over the sorted {@code path size sha256 mode} lines of the verified
 *     staging tree: what an approval of the swap names
 * @param hostQueue the task queue of the host whose disk holds staging (the swap is sent there);
 *     null: restored by a worker from before host queues
 * @param marker the text of the marker written into staging (incident, backup, listing hash):
 *     the live directory carrying it proves the swap was done; null: none written
 */
public record RestoreFilesResult(
    String stagingDir, String backupId, long files, long bytes, long verifiedEntries,
    String fingerprint, String hostQueue, String marker) {

  public RestoreFilesResult(String stagingDir, String backupId, long files, long bytes,
      long verifiedEntries, String fingerprint) {
    this(stagingDir, backupId, files, bytes, verifiedEntries, fingerprint, null, null);
  }
}
