package io.drorch.workflows.notify;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.values.NotificationRecord;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Workflow-side: sends notifications on the plan's channels and records each one for the report.
 * A channel that still fails after retries is recorded, never fails the recovery.
 */
public final class Notifier {
  private final String incidentId;
  private final List<NotificationChannel> channels;
  private final List<EscalationLevel> levels;
  private final List<NotificationRecord> sent = new ArrayList<>();
  private final List<Promise<Void>> inFlight = new ArrayList<>();

  public Notifier(String incidentId, NotificationSettings settings, List<EscalationLevel> levels) {
    this.incidentId = incidentId;
    this.channels =
        settings == null || settings.channels() == null
            ? List.of(new NotificationChannel("log", null))
            : settings.channels();
    this.levels = levels == null ? List.of() : levels;
  }

  /**
   * Sends {@code text} to the contacts of {@code level} (0: every level's contacts) without
   * holding up the caller: a slow or dead channel never delays the recovery.
   */
  public void send(String event, int level, String text) {
    Instant at = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    inFlight.add(Async.procedure(() -> deliver(event, level, text, at)));
  }

  /** Waits until every notification sent so far is delivered or has failed for good. */
  public void awaitDelivered() {
    Promise.allOf(List.copyOf(inFlight)).get();
  }

  private void deliver(String event, int level, String text, Instant at) {
    List<String> contacts = new ArrayList<>();
    for (EscalationLevel l : levels) {
      if ((level == 0 || l.level() == level) && l.contacts() != null) {
        contacts.addAll(l.contacts());
      }
    }
    try {
      ActivityStubs.notification(NotificationActivities.class, summary(event, level, text))
          .send(new Notification(incidentId, event, level, text, contacts, channels, at));
      sent.add(new NotificationRecord(event, level, at, true, null));
    } catch (ActivityFailure e) {
      String why = Failures.reason(e);
      Workflow.getLogger(Notifier.class).warn("notification {} not delivered: {}", event, why);
      sent.add(new NotificationRecord(event, level, at, false, why));
    }
  }

  /**
   * What the Web UI shows for the call, e.g. "notify level 2 (escalated)". Summaries stay
   * readable when payloads are encrypted, so the text is not in it: it can carry an approver's
   * comment or a failure's output (pg_restore stderr, deploy output); it travels in the
   * (encrypted) activity input.
   */
  static String summary(String event, int level, String text) {
    return "notify " + (level == 0 ? "everyone" : "level " + level) + " (" + event + ")";
  }

  public List<NotificationRecord> sent() {
    return List.copyOf(sent);
  }
}
