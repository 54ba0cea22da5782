package io.drorch.workflows.recovery;

public record ReportLocation(String markdownKey, String jsonKey) {}
