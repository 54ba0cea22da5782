package io.drorch.workflows.contracts.values;

/** Severity tier: selects the RTO objective (critical 4 h, non-critical 24 h in the seed plan). */
public enum Tier { CRITICAL, NON_CRITICAL }
