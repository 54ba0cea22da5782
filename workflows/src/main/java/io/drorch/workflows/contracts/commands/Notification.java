package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.Contacts;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import java.time.Instant;
import java.util.List;

/**
 * One message to stakeholders.
 *
 * @param event machine-readable kind: incident-opened, approval-needed, approved-in-part (one
 *     approval of a step that needs several), decided, escalated, progress, rto-50, rto-80,
 *     rto-breached, recovered, aborted, report-ready, reminder; from the retention sweep (whose
 *     {@code incidentId} is its workflow id): retention-aborted, retention-attention
 * @param level the escalation level addressed (0: everyone)
 * @param contacts the addressed people: the e-mail addresses of the level's contacts (level 0:
 *     the plan's contact list and every level's contacts); the {@code email} channel's recipients
 * @param step the step a decision is asked for (e.g. {@code database-swap}), or null
 * @param whoToCall the plan's contact list, set on approval requests (approval-needed, escalated,
 *     reminder) and when an incident opens: every channel shows it; null otherwise
 */
public record Notification(
    String incidentId,
    String event,
    int level,
    String text,
    List<String> contacts,
    List<NotificationChannel> channels,
    Instant at,
    String step,
    Contacts whoToCall) {

  /** A notification about no particular step, without a contact list. */
  public Notification(String incidentId, String event, int level, String text,
      List<String> contacts, List<NotificationChannel> channels, Instant at) {
    this(incidentId, event, level, text, contacts, channels, at, null, null);
  }
}
