package io.drorch.workflows.storage;

import io.drorch.workflows.contracts.commands.AbortUploadsInput;
import io.drorch.workflows.contracts.commands.DeleteObjectsInput;
import io.drorch.workflows.contracts.commands.FindLockedInput;
import io.drorch.workflows.contracts.commands.ReleaseLeaseInput;
import io.drorch.workflows.contracts.commands.VerifyBackupInput;
import io.drorch.workflows.contracts.commands.WriteLeaseInput;
import io.drorch.workflows.contracts.commands.WriteManifestInput;
import io.drorch.workflows.contracts.commands.WriteRestoreVerdictInput;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.LeaseSet;
import io.drorch.workflows.contracts.values.LockedObject;
import io.drorch.workflows.contracts.values.VerifyBackupResult;
import io.drorch.workflows.contracts.values.WriteRestoreVerdictResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The backup store (S3) as seen by workflows. */
@ActivityInterface
public interface StorageActivities {

  /**
   * Writes the manifest once ({@code If-None-Match: *}). Idempotent: when the same manifest is
   * already there it succeeds; a different one fails with {@code MANIFEST_CONFLICT}. Checks first
   * that the data object it names exists with the stated size.
   */
  @ActivityMethod
  String writeManifest(WriteManifestInput input);

  /**
   * Every manifest under the prefix with the state of its data and its restore-verification marker
   * (none: never tested by restore), plus unreferenced objects. Every manifest and marker is read
   * whole: a read error (a failed or short read, a body that differs between two reads) fails the
   * call, retryable, so no backup ever looks absent or untested because of one; only a manifest
   * whose complete body is not a manifest is listed as {@code UNREADABLE_MANIFEST}. Read-only.
   */
  @ActivityMethod
  BackupCatalog listBackups(StorageTarget storage);

  /**
   * Which of {@code input.keys()} S3 Object Lock keeps now (a retention date ahead, or a legal
   * hold). Empty when the bucket has no Object Lock. Any read error fails the call. Read-only.
   */
  @ActivityMethod
  List<LockedObject> findLocked(FindLockedInput input);

  /**
   * Writes (or replaces) the lease of {@code input.lease().holder()} at {@code
   * PREFIX/leases/<holder>.json}. Idempotent: the same lease written twice is the same object.
   */
  @ActivityMethod
  void writeLease(WriteLeaseInput input);

  /** Deletes the lease of {@code input.holder()}; a lease already gone is fine (idempotent). */
  @ActivityMethod
  void releaseLease(ReleaseLeaseInput input);

  /**
   * Every lease under {@code PREFIX/leases/}, expired ones included. A read error fails the call;
   * a lease whose complete body is not a lease is returned in {@code unreadableKeys}. Read-only.
   */
  @ActivityMethod
  LeaseSet listLeases(StorageTarget storage);

  /** Deletes the given keys; keys already gone count as deleted (idempotent). */
  @ActivityMethod
  int deleteObjects(DeleteObjectsInput input);

  /** Aborts multipart uploads under the prefix started before {@code input.olderThan()}. */
  @ActivityMethod
  int abortStaleUploads(AbortUploadsInput input);

  /** Re-reads a backup's data (and listing) and checks size and SHA-256 against its manifest. */
  @ActivityMethod
  VerifyBackupResult verifyBackup(VerifyBackupInput input);

  /**
   * Writes a backup's restore-verification marker ({@code <backup-id>.verified.json} beside it)
   * once, with {@code If-None-Match: *}: a marker is never overwritten. Idempotent: when a marker is
   * already there the call succeeds with {@code written = false} and returns the stored verdict,
   * which stands (the same verdict again after a lost response; an earlier test's otherwise).
   * BACKUP_NOT_FOUND (non-retryable) when the backup has no manifest.
   */
  @ActivityMethod
  WriteRestoreVerdictResult writeRestoreVerdict(WriteRestoreVerdictInput input);
}
