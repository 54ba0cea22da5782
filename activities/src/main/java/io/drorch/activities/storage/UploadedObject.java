package io.drorch.activities.storage;

/** An object fully written to storage: its key, size and SHA-256 (lower-case hex). */
public record UploadedObject(String key, long sizeBytes, String sha256) {}
