package io.drorch.workflows.contracts.commands;

/**
 * Input of the application part of a recovery. The deploy hook, environment and health check
 * come from the worker's plan, which the child loads itself.
 *
 * @param planSha256 the hash of the plan the parent loaded: the child's must be the same
 */
public record ApplicationRecoveryInput(String incidentId, String planSha256) {}
