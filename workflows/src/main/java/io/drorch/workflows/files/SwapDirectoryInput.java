package io.drorch.workflows.files;

public record SwapDirectoryInput(String target, String stagingDir, String keepAs) {}
