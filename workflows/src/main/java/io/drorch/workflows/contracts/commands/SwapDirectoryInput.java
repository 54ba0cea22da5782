package io.drorch.workflows.contracts.commands;

/**
 * @param expectedFingerprint the fingerprint the approval was bound to: the staging tree is
 *     re-verified immediately before the renames (COPY_CHANGED when it differs); null: not checked
 */
public record SwapDirectoryInput(String target, String stagingDir, String keepAs,
    String expectedFingerprint) {

  public SwapDirectoryInput(String target, String stagingDir, String keepAs) {
    this(target, stagingDir, keepAs, null);
  }
}
