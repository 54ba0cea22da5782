package io.drorch.workflows.contracts.plan;

import java.time.Duration;

/** The application's health check: GET {@code url} until it answers {@code expectStatus}. */
public record HealthCheck(String url, int expectStatus, Duration timeout, Duration interval) {}
