package io.drorch.workflows.backup;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.common.Versions;
import io.drorch.workflows.contracts.commands.ReleaseLeaseInput;
import io.drorch.workflows.contracts.commands.WriteLeaseInput;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupLease;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.storage.StorageActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Workflow-side leases on backups: a recovery (or drill) calls {@link #hold} once it has chosen
 * its candidate backups and {@link #release} when it ends; no retention sweep deletes a backup an
 * unexpired lease names. The lease is the object {@code PREFIX/leases/<workflow-id>.json}, so it
 * works without Temporal's visibility.
 *
 * <p>A lease lapses after {@link #TTL} even when its holder never releases it (terminated, or a
 * bug): a crashed recovery cannot pin backups forever. A recovery that runs longer than that
 * keeps only what retention keeps anyway (the newest valid and the newest verified backups).
 * Writing or releasing a lease never fails its holder: on a storage error it is logged, and the
 * lease is simply absent (or lapses).
 *
 * <p>Versioned ({@value #CHANGE_ID}): recoveries started before leases existed run on without
 * them.
 */
public final class BackupLeases {
  /** How long a lease protects its backups when its holder does not release it. */
  public static final Duration TTL = Duration.ofDays(7);

  static final String CHANGE_ID = Versions.BACKUP_LEASE;

  private BackupLeases() {}

  /** Leases every backup in {@code candidates} for this workflow, until released or {@link #TTL}. */
  public static void hold(StorageTarget storage, String purpose,
      Collection<List<BackupManifest>> candidates) {
    if (!enabled()) {
      return;
    }
    TreeSet<String> ids = new TreeSet<>();
    candidates.forEach(list -> list.forEach(m -> ids.add(m.backupId())));
    String holder = Workflow.getInfo().getWorkflowId();
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    BackupLease lease = new BackupLease(holder, List.copyOf(ids), now, now.plus(TTL), purpose);
    try {
      ActivityStubs.quick(StorageActivities.class, "lease " + ids.size() + " backups for "
              + holder + " until " + lease.expiresAt() + " at "
              + BackupKeys.url(storage, BackupKeys.leaseKey(storage, holder)))
          .writeLease(new WriteLeaseInput(storage, lease));
    } catch (ActivityFailure e) {
      Workflow.getLogger(BackupLeases.class).warn("the backups of {} could not be leased, a"
          + " retention sweep may delete expired ones: {}", holder, Failures.reason(e));
    }
  }

  /** Deletes this workflow's lease. */
  public static void release(StorageTarget storage) {
    if (!enabled()) {
      return;
    }
    String holder = Workflow.getInfo().getWorkflowId();
    try {
      ActivityStubs.quick(StorageActivities.class, "release the backup lease of " + holder)
          .releaseLease(new ReleaseLeaseInput(storage, holder));
    } catch (ActivityFailure e) {
      Workflow.getLogger(BackupLeases.class).warn("the backup lease of {} could not be deleted;"
          + " it lapses by itself: {}", holder, Failures.reason(e));
    }
  }

  private static boolean enabled() {
    return Versions.has(CHANGE_ID);
  }
}
