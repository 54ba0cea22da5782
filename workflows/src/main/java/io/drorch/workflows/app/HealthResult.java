package io.drorch.workflows.app;

public record HealthResult(boolean healthy, int checks, int lastStatus, String lastError) {}
