package io.drorch.workflows.contracts.commands;

/**
 * A child recovery asks the worker what its parent's approval gate decided for {@code step}
 * (the doorbell rang; the ring itself carries nothing the child trusts).
 */
public record ConfirmDecisionInput(String parentWorkflowId, String parentRunId, String step) {}
