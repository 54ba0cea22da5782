package io.drorch.workflows.contracts.plan;

/**
 * Where backups live. Credentials come from the worker's AWS default credential chain.
 *
 * @param endpoint S3-compatible endpoint (MinIO, the local stack); null for AWS S3
 * @param pathStyle path-style addressing (needed by most non-AWS servers)
 * @param retentionDays backups older than this are deleted, except the newest valid one per kind
 * @param noncurrentVersionDays lifecycle rule: noncurrent versions expire after this many days
 */
public record StorageTarget(
    String bucket,
    String prefix,
    String region,
    String endpoint,
    boolean pathStyle,
    int retentionDays,
    boolean versioning,
    int noncurrentVersionDays) {}
