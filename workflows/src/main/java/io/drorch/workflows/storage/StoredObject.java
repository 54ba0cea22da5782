package io.drorch.workflows.storage;

import java.time.Instant;

public record StoredObject(String key, long sizeBytes, Instant lastModified) {}
