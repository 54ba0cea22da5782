package io.drorch.workflows.contracts.commands;

import java.util.List;

/**
 * Start a DR drill (workflow id {@code drill-<yyyyMMdd'T'HHmmss'Z'>} or given by the operator).
 * Only what the operator decides: what to restore and who asked. Everything else (targets,
 * objectives, channels) comes from the worker's plan.
 *
 * @param scope {@code database} and/or {@code files}; empty or null: the plan's
 *     {@code drills.scope}
 */
public record DrillInput(List<String> scope, String requestedBy) {}
