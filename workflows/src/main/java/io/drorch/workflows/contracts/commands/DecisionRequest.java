package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.values.DecisionKind;

/**
 * A child recovery asks its parent for a decision.
 *
 * @param step unique within the recovery, e.g. {@code database-swap}, {@code files-restore-failed-2}
 * @param fromWorkflowId the child to send the {@code DecisionRecord} back to
 */
public record DecisionRequest(
    String step, DecisionKind kind, String description, String fromWorkflowId) {}
