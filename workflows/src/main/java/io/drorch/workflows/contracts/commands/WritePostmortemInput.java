package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.Postmortem;

/** Re-render an incident's stored report with its post-mortem. */
public record WritePostmortemInput(StorageTarget storage, Postmortem postmortem) {}
