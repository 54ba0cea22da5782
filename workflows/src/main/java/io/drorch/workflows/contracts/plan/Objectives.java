package io.drorch.workflows.contracts.plan;

import java.time.Duration;

/** RTO per tier and RPO per data kind, as the plan states them. */
public record Objectives(
    Duration rtoCritical, Duration rtoNonCritical, Duration rpoDatabase, Duration rpoFiles) {}
