package io.drorch.workflows.contracts.values;

import java.util.List;
import java.util.Map;

/** @param problems empty when every check passed; each says what differs */
public record IntegrityResult(
    boolean ok, List<String> problems, Map<String, Long> rowCounts, int checksRun) {}
