package io.drorch.workflows.contracts.values;

import java.util.List;

/** @param applied versions applied now, oldest first (empty when none were pending) */
public record MigrateDatabaseResult(String versionBefore, String versionAfter, List<String> applied) {}
