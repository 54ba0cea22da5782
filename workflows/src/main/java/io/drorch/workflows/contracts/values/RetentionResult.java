package io.drorch.workflows.contracts.values;

import java.util.List;

/**
 * What a retention sweep did.
 *
 * @param deletedBackups ids of expired backups whose data, listing and manifest were deleted
 * @param keptNewestValid ids kept although expired, because each is the newest valid of its kind
 * @param deletedOrphans keys of objects with a backup key whose backup has no manifest (failed or
 *     abandoned attempts)
 * @param keptVerified ids kept although expired: among the newest restore-verified of their kind
 * @param keptLeased ids kept although expired: named by an unexpired lease of a recovery or drill
 * @param keptLocked ids (or orphan keys) kept although expired, because S3 Object Lock keeps one
 *     of their objects, with the date
 * @param problems what a person must look at (malformed manifests, manifests naming keys that
 *     are not their own, unreadable leases); nothing they might protect was deleted
 */
public record RetentionResult(
    List<String> deletedBackups,
    List<String> keptNewestValid,
    List<String> deletedOrphans,
    int abortedUploads,
    List<String> keptVerified,
    List<String> keptLeased,
    List<String> keptLocked,
    List<String> problems) {}
