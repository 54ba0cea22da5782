package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.DrillReport;

public record WriteDrillReportInput(StorageTarget storage, DrillReport report) {}
