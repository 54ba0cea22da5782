package io.drorch.workflows.contracts.commands;

/**
 * @param expectedFingerprint the fingerprint the approval was bound to: the staging tree is
 *     re-verified immediately before the renames (COPY_CHANGED when it differs); null: not checked
 * @param marker the marker text the restore wrote into staging: staging must carry it, and a
 *     missing staging counts as "already swapped" only when the target carries it (else
 *     STAGING_NOT_HERE); null: inferred as before (staging gone, target there: done)
 */
public record SwapDirectoryInput(String target, String stagingDir, String keepAs,
    String expectedFingerprint, String marker) {

  public SwapDirectoryInput(String target, String stagingDir, String keepAs) {
    this(target, stagingDir, keepAs, null, null);
  }

  public SwapDirectoryInput(String target, String stagingDir, String keepAs,
      String expectedFingerprint) {
    this(target, stagingDir, keepAs, expectedFingerprint, null);
  }
}
