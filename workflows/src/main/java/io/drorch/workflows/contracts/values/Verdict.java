package io.drorch.workflows.contracts.values;

/**
 * A human's answer. APPROVE / REJECT answer a destructive step; RETRY / SKIP / ABORT answer a step
 * that failed for good.
 */
public enum Verdict { APPROVE, REJECT, RETRY, SKIP, ABORT }
