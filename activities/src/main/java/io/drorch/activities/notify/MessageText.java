package io.drorch.activities.notify;

import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.plan.Contact;
import io.drorch.workflows.contracts.plan.Contacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How a {@link Notification} reads on each channel: one subject line, the plain-text body of an
 * e-mail, and the text of a webhook or Slack message. Approval requests carry the plan's contact
 * list ("who to call") and, when the step is known, the exact command that answers them.
 */
final class MessageText {
  /** Events that ask a person for a decision. */
  static final Set<String> DECISION_EVENTS = Set.of("approval-needed", "escalated", "reminder");
  private static final int SUBJECT_TEXT = 90;

  private MessageText() {}

  /** e.g. {@code [DR INC-42] approval-needed: database-swap (level 1)}. */
  static String subject(Notification n) {
    StringBuilder s = new StringBuilder("[DR ").append(n.incidentId()).append("] ")
        .append(n.event());
    if (n.step() != null && !n.step().isBlank()) {
      s.append(": ").append(n.step());
    } else if (n.text() != null && !n.text().isBlank()) {
      String first = n.text().strip().lines().findFirst().orElse("");
      s.append(": ").append(first.length() > SUBJECT_TEXT
          ? first.substring(0, SUBJECT_TEXT - 1) + "…" : first);
    }
    if (n.level() > 0) {
      s.append(" (level ").append(n.level()).append(')');
    }
    return s.toString();
  }

  /** "Primary contact: Alice Martin, +1 555 0100, alice@example.com", … (empty: no list). */
  static List<String> whoToCall(Notification n) {
    Contacts c = n.whoToCall();
    List<String> out = new ArrayList<>();
    if (c != null) {
      for (Contacts.Entry e : c.entries()) {
        Contact who = e.contact();
        if (e.role().equals(who.name())) { // the team: its name is the role already
          who = new Contact(null, who.phone(), who.email());
        }
        out.add(e.role() + ": " + who.oneLine());
      }
    }
    return out;
  }

  /** The command that answers this request, or null when it is not one (or the step is unknown). */
  static String answer(Notification n) {
    if (!DECISION_EVENTS.contains(n.event()) || n.step() == null || n.step().isBlank()) {
      return null;
    }
    return "dr approve " + n.incidentId() + " --step " + n.step() + " --as NAME   (or dr reject,"
        + " or dr decide … --verdict retry|skip|abort for a failed step)";
  }

  /** The text with the answer command and who to call appended (webhook, Slack). */
  static String withWhoToCall(Notification n) {
    StringBuilder sb = new StringBuilder(n.text() == null ? "" : n.text());
    String answer = answer(n);
    if (answer != null) {
      sb.append("\nAnswer: ").append(answer);
    }
    List<String> who = whoToCall(n);
    if (!who.isEmpty()) {
      sb.append("\nWho to call:");
      for (String w : who) {
        sb.append("\n- ").append(w);
      }
    }
    return sb.toString();
  }

  /** The plain-text body of the e-mail. */
  static String emailBody(Notification n) {
    StringBuilder sb = new StringBuilder();
    sb.append(n.text() == null ? "" : n.text().strip()).append("\n\n");
    sb.append("Incident:  ").append(n.incidentId()).append('\n');
    sb.append("Event:     ").append(n.event()).append('\n');
    if (n.step() != null && !n.step().isBlank()) {
      sb.append("Step:      ").append(n.step()).append('\n');
    }
    sb.append("Level:     ").append(n.level() == 0 ? "everyone" : String.valueOf(n.level()))
        .append('\n');
    if (n.at() != null) {
      sb.append("At:        ").append(n.at()).append('\n');
    }
    String answer = answer(n);
    if (answer != null) {
      sb.append("\nAnswer with:\n  ").append(answer).append('\n');
    }
    List<String> who = whoToCall(n);
    if (!who.isEmpty()) {
      sb.append("\nWho to call:\n");
      for (String w : who) {
        sb.append("- ").append(w).append('\n');
      }
    }
    if (n.contacts() != null && !n.contacts().isEmpty()) {
      sb.append("\nSent to: ").append(String.join(", ", n.contacts())).append('\n');
    }
    sb.append("\n-- \nDR Orchestrator: `dr status ").append(n.incidentId())
        .append("` shows the recovery, the Temporal Web UI workflow recovery-")
        .append(n.incidentId()).append(".\n");
    return sb.toString();
  }

  /** Slack's mrkdwn text: the subject in bold, then the text; {@code & < >} escaped. */
  static String slack(Notification n) {
    return "*" + slackEscape(subject(n)) + "*\n" + slackEscape(withWhoToCall(n));
  }

  static String slackEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
