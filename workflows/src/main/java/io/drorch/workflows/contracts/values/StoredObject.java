package io.drorch.workflows.contracts.values;

import java.time.Instant;

public record StoredObject(String key, long sizeBytes, Instant lastModified) {}
