package io.drorch.workflows.contracts.values;

import java.time.Instant;

/**
 * An open RPO breach of one kind: since when, and the highest escalation level told so far.
 */
public record RpoBreach(String kind, Instant since, int level) {}
