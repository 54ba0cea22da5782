package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.values.Verdict;

/**
 * A decision as people send it — by {@code dr approve}, a Workflow Update, or a Signal from the
 * Temporal CLI or Web UI, all with this JSON:
 * {@code {"approver":"alice","verdict":"APPROVE","step":"database-swap","comment":"checked"}}.
 *
 * @param step which pending decision it answers; may be omitted when only one is pending
 */
public record ApprovalDecision(String approver, Verdict verdict, String step, String comment) {}
