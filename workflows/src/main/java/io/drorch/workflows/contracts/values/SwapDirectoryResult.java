package io.drorch.workflows.contracts.values;

/** @param previousKeptAs where the old directory went, or null when there was none */
public record SwapDirectoryResult(String liveDir, String previousKeptAs) {}
