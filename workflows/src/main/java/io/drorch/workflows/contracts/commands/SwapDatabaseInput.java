package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;

/**
 * @param live the live database; @param keepAs the name the previous one is kept under
 * @param expectedFingerprint the fingerprint the approval was bound to: re-verified immediately
 *     before the renames (COPY_CHANGED when it differs); null: not checked (older workflows)
 */
public record SwapDatabaseInput(DatabaseTarget live, String restoreName, String keepAs,
    String expectedFingerprint) {

  public SwapDatabaseInput(DatabaseTarget live, String restoreName, String keepAs) {
    this(live, restoreName, keepAs, null);
  }
}
