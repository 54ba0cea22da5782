package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;

/** @param live the live database; @param keepAs the name the previous one is kept under */
public record SwapDatabaseInput(DatabaseTarget live, String restoreName, String keepAs) {}
