package io.drorch.workflows.contracts.values;

/** What restoring a backup into scratch and comparing it with its manifest proved. */
public enum RestoreTestOutcome {
  /** Restored, and every table's row count (every file) matched the manifest (listing). */
  VERIFIED_BY_RESTORE,
  /** The backup could not be restored, or what came back differs from its manifest (listing). */
  FAILED_RESTORE
}
