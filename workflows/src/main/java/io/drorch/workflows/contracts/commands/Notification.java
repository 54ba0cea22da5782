package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.NotificationChannel;
import java.time.Instant;
import java.util.List;

/**
 * One message to stakeholders.
 *
 * @param event machine-readable kind: incident-opened, approval-needed, escalated, progress,
 *     rto-50, rto-80, rto-breached, recovered, aborted, report-ready, reminder; from the retention
 *     sweep (whose {@code incidentId} is its workflow id): retention-aborted, retention-attention
 * @param level the escalation level addressed (0: everyone)
 * @param contacts the addressed people (the level's contacts)
 */
public record Notification(
    String incidentId,
    String event,
    int level,
    String text,
    List<String> contacts,
    List<NotificationChannel> channels,
    Instant at) {}
