package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;

/** @param database the restored database; @param location Flyway location (e.g. filesystem:…) */
public record MigrateDatabaseInput(DatabaseTarget database, String location) {}
