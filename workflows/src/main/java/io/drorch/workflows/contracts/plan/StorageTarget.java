package io.drorch.workflows.contracts.plan;

/**
 * Where backups live. Credentials come from the worker's AWS default credential chain.
 *
 * @param endpoint S3-compatible endpoint (MinIO, the local stack); null for AWS S3
 * @param pathStyle path-style addressing (needed by most non-AWS servers)
 * @param retentionDays backups older than this are deleted, except the newest valid one per kind
 * @param noncurrentVersionDays lifecycle rule: noncurrent versions expire after this many days
 * @param keepVerified the newest N restore-verified backups of each kind are always kept; null:
 *     {@link PlanDefaults#KEEP_VERIFIED}
 * @param objectLock Object Lock of the bucket ({@code dr storage init}); null: none
 */
public record StorageTarget(
    String bucket,
    String prefix,
    String region,
    String endpoint,
    boolean pathStyle,
    int retentionDays,
    boolean versioning,
    int noncurrentVersionDays,
    Integer keepVerified,
    ObjectLockSettings objectLock) {

  /** A target without the later keys (keep-verified: the default; no Object Lock). */
  public StorageTarget(String bucket, String prefix, String region, String endpoint,
      boolean pathStyle, int retentionDays, boolean versioning, int noncurrentVersionDays) {
    this(bucket, prefix, region, endpoint, pathStyle, retentionDays, versioning,
        noncurrentVersionDays, null, null);
  }

  public StorageTarget withKeepVerified(Integer n) {
    return new StorageTarget(bucket, prefix, region, endpoint, pathStyle, retentionDays,
        versioning, noncurrentVersionDays, n, objectLock);
  }
}
