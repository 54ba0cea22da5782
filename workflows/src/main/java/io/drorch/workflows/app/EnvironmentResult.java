package io.drorch.workflows.app;

import java.util.List;

public record EnvironmentResult(String writtenTo, List<String> variableNames) {}
