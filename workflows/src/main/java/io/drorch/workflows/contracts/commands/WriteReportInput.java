package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.RecoveryReport;

public record WriteReportInput(StorageTarget storage, RecoveryReport report) {}
