package io.drorch.workflows.contracts.values;

import java.util.List;

/**
 * What a retention sweep did.
 *
 * @param deletedBackups ids of expired backups whose data, listing and manifest were deleted
 * @param keptNewestValid ids kept although expired, because each is the newest valid of its kind
 * @param deletedOrphans keys of objects that no manifest names (failed or abandoned attempts)
 */
public record RetentionResult(
    List<String> deletedBackups,
    List<String> keptNewestValid,
    List<String> deletedOrphans,
    int abortedUploads) {}
