package io.drorch.workflows.contracts.plan;

/**
 * The worker's plan as its first activity read it: the trust root of every workflow (approvers,
 * keys, commands, paths, hosts all come from here, never from a workflow's input).
 *
 * @param sha256 SHA-256 of the plan file's bytes (what {@code sha256sum dr-plan.yaml} prints)
 * @param source where the worker read it, e.g. {@code /etc/dr/dr-plan.yaml}
 */
public record LoadedPlan(DrPlan plan, String sha256, String source) {}
