package io.drorch.workflows.recovery;

import io.drorch.workflows.plan.StorageTarget;

public record WriteReportInput(StorageTarget storage, RecoveryReport report) {}
