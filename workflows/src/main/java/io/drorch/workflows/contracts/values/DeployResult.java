package io.drorch.workflows.contracts.values;

/** @param outcome exit code or HTTP status; @param outputTail last lines of its output */
public record DeployResult(int outcome, String outputTail, long millis) {}
