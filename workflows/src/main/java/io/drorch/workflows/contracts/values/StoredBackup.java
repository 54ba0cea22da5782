package io.drorch.workflows.contracts.values;


/**
 * A manifest and the state of the data it names, as found by listing (sizes only; a full
 * SHA-256 check is {@code StorageActivities.verifyBackup}).
 */
public record StoredBackup(BackupManifest manifest, String manifestKey, DataState state) {

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
}
