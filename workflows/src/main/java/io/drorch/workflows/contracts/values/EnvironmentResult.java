package io.drorch.workflows.contracts.values;

import java.util.List;

public record EnvironmentResult(String writtenTo, List<String> variableNames) {}
