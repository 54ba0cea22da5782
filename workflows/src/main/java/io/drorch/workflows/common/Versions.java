package io.drorch.workflows.common;

import io.temporal.workflow.Workflow;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The change ids of every versioned change to a workflow's command sequence, in one place, and
 * the one way to ask for them. The policy (docs/ARCHITECTURE.md, "Changing a workflow safely"): a
 * change that alters which commands an existing workflow type issues, or their order, goes behind
 * {@link #has(String)} with a new constant here; the old branch stays until no run started before
 * the change can still be open; a constant is never reused or renamed (it is recorded in
 * histories as a marker).
 */
public final class Versions {
  /** Recoveries lease their candidate backups against retention sweeps (issue 8, item 1). */
  public static final String BACKUP_LEASE = "backup-lease";

  /**
   * Quiet waits (issue 8, item 6): while a decision is pending the recovery sends progress once a
   * day instead of every progress interval (the gate's reminders say the same), and reminders
   * after the last level back off (the plan's interval {@value
   * io.drorch.workflows.contracts.plan.PlanDefaults#FULL_REMINDERS} times, then doubling up to a
   * day): a recovery waiting 30 days stays far below Temporal's history limits.
   */
  public static final String QUIET_WAITS = "quiet-waits";

  /**
   * The last escalation level waits its own timeout before the reminders (and before the plan's
   * abort); runs from before waited only the reminder interval there (issue 13).
   */
  public static final String LAST_LEVEL_WAITS = "last-level-waits-its-timeout";

  /**
   * After a backup commits, its verify-by-restore child is started as the plan's
   * {@code drills.verify-by-restore} asks (issue 11); backups from before commit without it.
   */
  public static final String VERIFY_BY_RESTORE = "verify-by-restore";

  /**
   * Recoveries order each kind's candidate backups to prefer restore-verified ones within the
   * kind's RPO, restore-failed ones last (issue 11); runs from before take the newest valid first.
   */
  public static final String PREFER_VERIFIED = "prefer-verified";

  /** A recovery opens its post-mortem workflow ({@code postincident-<INC>}) when it ends (issue 11). */
  public static final String POST_INCIDENT = "post-incident";

  /**
   * A candidate whose object is missing (BACKUP_NOT_FOUND) or whose archive is refused
   * (UNSAFE_ARCHIVE) is passed over for the previous one like a corrupt one, never offered RETRY;
   * runs from before asked RETRY / SKIP / ABORT (issue 8, item 7).
   */
  public static final String FALLBACK_MISSING_UNSAFE = "fallback-missing-unsafe";

  /**
   * A swap whose restored copy changed after its approval (COPY_CHANGED) restores the copy again
   * and asks again ({@code <part>-swap-2}, ...); runs from before asked RETRY / SKIP / ABORT
   * (issue 8, item 4).
   */
  public static final String CHANGED_COPY_RESTORED_AGAIN = "changed-copy-restored-again";

  /**
   * The directory swap runs on the host that restored staging (its host task queue, which the
   * restore returned) and must find this recovery's marker there; runs from before scheduled it
   * on the shared queue (issue 8, item 2).
   */
  public static final String HOST_AFFINITY = "swap-on-the-staging-host";

  /** Every change id above (a test checks each is used and unique). */
  public static final Set<String> ALL = Set.of(BACKUP_LEASE, QUIET_WAITS, LAST_LEVEL_WAITS,
      VERIFY_BY_RESTORE, PREFER_VERIFIED, POST_INCIDENT, FALLBACK_MISSING_UNSAFE,
      CHANGED_COPY_RESTORED_AGAIN, HOST_AFFINITY);

  private static final Set<String> SIMULATED_BEFORE = ConcurrentHashMap.newKeySet();

  private Versions() {}

  /**
   * Whether this run has {@code changeId}: true for runs started on a build with the change,
   * false for runs (or replays) of histories written before it. Call it at the same point of the
   * code every time (it records a marker on first use).
   */
  public static boolean has(String changeId) {
    if (SIMULATED_BEFORE.contains(changeId)) {
      return false; // the build before the change, which never asked
    }
    return Workflow.getVersion(changeId, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
  }

  /**
   * Tests only: until closed, workers in this JVM behave like the build before {@code changeId}
   * (they never ask for it and take the old branch), so a test can start a run on the old code
   * and finish it on the new.
   */
  public static AutoCloseable simulateBuildBefore(String changeId) {
    SIMULATED_BEFORE.add(changeId);
    return () -> SIMULATED_BEFORE.remove(changeId);
  }
}
