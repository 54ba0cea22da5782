package io.drorch.workflows.contracts.values;

import java.time.Instant;

/**
 * One of the plan's five post-recovery steps, tracked.
 *
 * @param number 1-5 in the plan's order
 * @param answer what was recorded (null while open)
 * @param level the escalation level its reminders have reached (0: none sent)
 */
public record PostmortemItem(
    int number,
    String title,
    String owner,
    Instant due,
    boolean done,
    String answer,
    String recordedBy,
    Instant recordedAt,
    int remindersSent,
    int level) {}
