package io.drorch.workflows.contracts.plan;

/**
 * {@code storage.object-lock}: the bucket is created with S3 Object Lock and a default retention,
 * so every object written is immutable for {@code days} days.
 */
public record ObjectLockSettings(ObjectLockMode mode, int days) {}
