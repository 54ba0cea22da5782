package io.drorch.workflows.contracts.values;


/**
 * A manifest and the state of the data it names, as found by listing (sizes only; a full
 * SHA-256 check is {@code StorageActivities.verifyBackup}).
 *
 * @param verification the backup's restore-verification marker (VERIFIED_BY_RESTORE or
 *     FAILED_RESTORE); null when it was never tested by restore
 */
public record StoredBackup(
    BackupManifest manifest, String manifestKey, DataState state, RestoreVerification verification) {

  /** A backup without a restore-verification marker. */
  public StoredBackup(BackupManifest manifest, String manifestKey, DataState state) {
    this(manifest, manifestKey, state, null);
  }

  public enum DataState {
    /** Data object present with the manifest's size. */
    PRESENT,
    /** Data object missing. */
    MISSING,
    /** Data object present with a different size. */
    SIZE_MISMATCH,
    /**
     * The manifest is permanently malformed: its complete body (the size the listing gives, read
     * twice alike) is not a backup manifest. A read error is never this: it fails the listing.
     */
    UNREADABLE_MANIFEST
  }

  public boolean valid() {
    return state == DataState.PRESENT;
  }

  /** Valid, and proven restorable by a restore test (recoveries may prefer these). */
  public boolean verifiedByRestore() {
    return valid() && verification != null && verification.verified();
  }
}
