package io.drorch.workflows.contracts.values;

import java.time.Instant;

/**
 * An object S3 Object Lock keeps: a retention whose date is still ahead, or a legal hold.
 *
 * @param mode GOVERNANCE or COMPLIANCE (null for a legal hold only)
 * @param retainUntil null for a legal hold without retention
 * @param how where the lock was read from (the object's retention, its legal hold, or the
 *     bucket's default retention when S3 returned no retention for the object)
 */
public record LockedObject(String key, String mode, Instant retainUntil, boolean legalHold,
    String how) {}
