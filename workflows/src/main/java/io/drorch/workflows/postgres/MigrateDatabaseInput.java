package io.drorch.workflows.postgres;

import io.drorch.workflows.plan.DatabaseTarget;

/** @param database the restored database; @param location Flyway location (e.g. filesystem:…) */
public record MigrateDatabaseInput(DatabaseTarget database, String location) {}
