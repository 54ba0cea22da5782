package io.drorch.workflows.contracts.values;

public record ReportLocation(String markdownKey, String jsonKey) {}
