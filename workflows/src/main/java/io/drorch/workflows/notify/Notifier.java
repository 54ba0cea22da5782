package io.drorch.workflows.notify;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.plan.Contacts;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Workflow-side: sends notifications on the plan's channels and records each one for the report.
 * A channel that still fails after retries is recorded, never fails the recovery.
 *
 * <p>Who is addressed: a level's contacts (their e-mail addresses: the {@code email} channel's
 * recipients); level 0 means everyone: the plan's contact list and every level's contacts. Approval
 * requests (approval-needed, escalated, reminder) and the incident's opening carry the plan's
 * contact list, so every channel can say who to call.
 */
public final class Notifier {
  /** Events whose message names who to call (the plan's contact list). */
  public static final Set<String> WHO_TO_CALL_EVENTS =
      Set.of("approval-needed", "escalated", "reminder", "incident-opened");

  private final String incidentId;
  private final List<NotificationChannel> channels;
  private final Contacts contacts;
  private final List<EscalationLevel> levels;
  private final List<NotificationRecord> sent = new ArrayList<>();
  private final List<Promise<Void>> inFlight = new ArrayList<>();

  public Notifier(String incidentId, NotificationSettings settings, List<EscalationLevel> levels) {
    this.incidentId = incidentId;
    this.channels =
        settings == null || settings.channels() == null
            ? List.of(new NotificationChannel("log", null))
            : settings.channels();
    this.contacts = settings == null ? null : settings.contacts();
    this.levels = levels == null ? List.of() : levels;
  }

  /**
   * Sends {@code text} to the contacts of {@code level} (0: everyone) without holding up the
   * caller: a slow or dead channel never delays the recovery.
   */
  public void send(String event, int level, String text) {
    send(event, level, null, text);
  }

  /** {@link #send(String, int, String)} about a step a decision is asked for (may be null). */
  public void send(String event, int level, String step, String text) {
    Instant at = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    inFlight.add(Async.procedure(() -> deliver(event, level, step, text, at)));
  }

  /** Waits until every notification sent so far is delivered or has failed for good. */
  public void awaitDelivered() {
    Promise.allOf(List.copyOf(inFlight)).get();
  }

  private void deliver(String event, int level, String step, String text, Instant at) {
    List<String> to = recipients(level, levels, contacts);
    Contacts whoToCall = WHO_TO_CALL_EVENTS.contains(event) ? contacts : null;
    try {
      ActivityStubs.notification(NotificationActivities.class, summary(event, level, text))
          .send(new Notification(incidentId, event, level, text, to, channels, at, step,
              whoToCall));
      sent.add(new NotificationRecord(event, level, at, true, null));
    } catch (ActivityFailure e) {
      String why = Failures.reason(e);
      Workflow.getLogger(Notifier.class).warn("notification {} not delivered: {}", event, why);
      sent.add(new NotificationRecord(event, level, at, false, why));
    }
  }

  /**
   * The e-mail addresses a notification to {@code level} goes to, each once (compared without
   * case): the level's contacts; for level 0 the plan's contact list, then every level's contacts.
   */
  public static List<String> recipients(int level, List<EscalationLevel> levels, Contacts contacts) {
    List<String> candidates = new ArrayList<>();
    if (level == 0 && contacts != null) {
      candidates.addAll(contacts.emails());
    }
    for (EscalationLevel l : levels == null ? List.<EscalationLevel>of() : levels) {
      if ((level == 0 || l.level() == level) && l.contacts() != null) {
        candidates.addAll(l.contacts());
      }
    }
    Set<String> seen = new LinkedHashSet<>();
    List<String> out = new ArrayList<>();
    for (String c : candidates) {
      if (c != null && seen.add(c.toLowerCase(Locale.ROOT))) {
        out.add(c);
      }
    }
    return out;
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
