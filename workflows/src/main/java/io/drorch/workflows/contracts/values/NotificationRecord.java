package io.drorch.workflows.contracts.values;

import java.time.Instant;

/** A notification the recovery sent, or tried to (error set when every retry failed). */
public record NotificationRecord(String event, int level, Instant at, boolean delivered, String error) {}
