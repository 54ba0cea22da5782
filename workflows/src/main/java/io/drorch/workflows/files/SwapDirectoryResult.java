package io.drorch.workflows.files;

/** @param previousKeptAs where the old directory went, or null when there was none */
public record SwapDirectoryResult(String liveDir, String previousKeptAs) {}
