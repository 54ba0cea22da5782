package io.drorch.workflows.contracts.values;

/** Why a decision is needed. */
public enum DecisionKind {
  /** Before a destructive step: APPROVE or REJECT. Never auto-approved. */
  DESTRUCTIVE_STEP,
  /** A step failed for good: RETRY, SKIP or ABORT. */
  STEP_FAILED
}
