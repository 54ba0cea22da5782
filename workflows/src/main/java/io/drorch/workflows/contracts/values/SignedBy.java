package io.drorch.workflows.contracts.values;

import java.time.Instant;

/**
 * One approver's part of a decision.
 *
 * @param key the fingerprint of the key that signed ({@code SHA256:…}, as {@code ssh-keygen -l}
 *     prints it); null for an unsigned decision (plans with {@code signatures: optional})
 * @param signedAt the time the approver signed (their clock), null when unsigned
 * @param at when the workflow took it
 */
public record SignedBy(String approver, int level, String key, String signedAt, Instant at,
    String comment) {}
