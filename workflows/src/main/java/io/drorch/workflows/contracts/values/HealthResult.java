package io.drorch.workflows.contracts.values;

public record HealthResult(boolean healthy, int checks, int lastStatus, String lastError) {}
