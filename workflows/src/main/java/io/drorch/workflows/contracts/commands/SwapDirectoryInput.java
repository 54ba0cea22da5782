package io.drorch.workflows.contracts.commands;

public record SwapDirectoryInput(String target, String stagingDir, String keepAs) {}
