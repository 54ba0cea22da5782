package io.drorch.workflows.contracts.plan;

/** What a decision does when nobody answers after the last escalation level. */
public enum OnUnanswered {
  /** Keep waiting, and remind the last level every reminder interval (the default). */
  REMIND,
  /** Give up: a destructive step is rejected, a failed step aborts its part. */
  ABORT
}
