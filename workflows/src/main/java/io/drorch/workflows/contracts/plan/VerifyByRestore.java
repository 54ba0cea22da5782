package io.drorch.workflows.contracts.plan;

/**
 * Which committed backups are proven restorable right away ({@code drills.verify-by-restore}): a
 * child workflow restores them into scratch and writes their write-once verification marker.
 */
public enum VerifyByRestore {
  /** None: only drills restore backups. */
  OFF,
  /** The first database backup committed on each UTC day (the default). */
  DAILY,
  /** Every database and file backup. */
  EVERY
}
