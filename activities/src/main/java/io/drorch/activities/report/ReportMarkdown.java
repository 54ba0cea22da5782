package io.drorch.activities.report;

import io.drorch.workflows.contracts.values.BackupUsed;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.NotificationRecord;
import io.drorch.workflows.contracts.values.PhaseRecord;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RefusedDecision;
import io.drorch.workflows.contracts.values.SignedBy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The incident report as Markdown, for people and auditors: summary, objectives (RTO/RPO target
 * vs achieved), the plan it ran on, timeline, backups used, decisions (who signed, with which key,
 * about which backup and copy), refused decisions, notifications and the post-recovery checklist.
 * Pure: the same report gives the same text.
 */
public final class ReportMarkdown {
  static final String MET = "✅";
  static final String MISSED = "❌";
  static final String NONE = "_None._";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  /** The seed plan's Post-Recovery Procedures, used when the report brings no checklist. */
  static final List<String> DEFAULT_CHECKLIST = List.of(
      "Document the incident", "Analyze root cause", "Implement preventive measures",
      "Update recovery procedures", "Conduct team review");

  private ReportMarkdown() {}

  public static String render(RecoveryReport r) {
    StringBuilder md = new StringBuilder();
    line(md, "# Recovery report " + r.incidentId() + " — " + outcome(r));
    line(md, "");
    if (r.outcomeDetail() != null && !r.outcomeDetail().isBlank()) {
      line(md, "> " + r.outcomeDetail().strip().replace("\n", "\n> "));
      line(md, "");
    }

    line(md, "## Summary");
    line(md, "| | |");
    line(md, "|---|---|");
    row(md, "Application", r.application());
    row(md, "Incident", r.incidentId());
    row(md, "Scope", r.scope() == null || r.scope().isEmpty() ? "—"
        : String.join(", ", r.scope().stream().map(ReportMarkdown::scope).toList()));
    row(md, "Tier", r.tier() == null ? "—" : r.tier().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    row(md, "Requested by", r.requestedBy());
    row(md, "Incident time", time(r.incidentAt()));
    row(md, "Started", time(r.startedAt()));
    row(md, "Finished", time(r.finishedAt()));
    row(md, "Outcome", outcome(r));
    row(md, "Plan (SHA-256)", code(r.planSha256()));
    line(md, "");

    line(md, "## Objectives");
    line(md, "| Objective | Target | Achieved | Met |");
    line(md, "|---|---|---|---|");
    String tier = r.tier() == null ? "" : " (" + r.tier().name().toLowerCase(Locale.ROOT).replace('_', '-') + ")";
    objective(md, "RTO" + tier, r.rtoObjective(), r.rtoAchieved());
    TreeSet<String> kinds = new TreeSet<>();
    if (r.rpoObjective() != null) {
      kinds.addAll(r.rpoObjective().keySet());
    }
    if (r.rpoAchieved() != null) {
      kinds.addAll(r.rpoAchieved().keySet());
    }
    for (String kind : kinds) {
      objective(md, "RPO " + kind, get(r.rpoObjective(), kind), get(r.rpoAchieved(), kind));
    }
    line(md, "");
    line(md, "RTO achieved: incident time to the end of the recovery. RPO achieved: incident time"
        + " minus the time of the backup restored.");
    line(md, "");

    line(md, "## Timeline");
    if (empty(r.timeline())) {
      line(md, NONE);
    } else {
      line(md, "| Phase | State | Started | Duration | Detail |");
      line(md, "|---|---|---|---|---|");
      for (PhaseRecord p : r.timeline()) {
        String took = p.startedAt() == null ? "—"
            : p.finishedAt() == null ? "running" : duration(Duration.between(p.startedAt(), p.finishedAt()));
        cells(md, p.name(), p.state().name(), time(p.startedAt()), took, p.detail());
      }
    }
    line(md, "");

    line(md, "## Backups used");
    if (empty(r.backups())) {
      line(md, NONE);
    } else {
      line(md, "| Kind | Backup | Taken | Object |");
      line(md, "|---|---|---|---|");
      List<String> rejected = new ArrayList<>();
      for (BackupUsed b : r.backups()) {
        String kind = b.kind() == null ? "—" : b.kind().folder();
        cells(md, kind, code(b.backupId()), time(b.takenAt()), code(b.dataKey()));
        if (b.rejected() != null) {
          b.rejected().forEach(x -> rejected.add(kind + ": " + x));
        }
      }
      if (!rejected.isEmpty()) {
        line(md, "");
        line(md, "Newer backups rejected:");
        rejected.forEach(x -> line(md, "- " + oneLine(x)));
      }
    }
    line(md, "");

    line(md, "## Decisions");
    if (empty(r.decisions())) {
      line(md, NONE);
    } else {
      line(md, "| Step | Who | Level | Verdict | When | Signed by | Backup and copy | Comment |");
      line(md, "|---|---|---|---|---|---|---|---|");
      for (DecisionRecord d : r.decisions()) {
        cells(md, d.step(), who(d), String.valueOf(d.level()),
            d.verdict() == null ? "—" : d.verdict().name(), time(d.at()), signedBy(d),
            d.backupId() == null && d.copyFingerprint() == null ? "—"
                : code(d.backupId()) + " " + code(shortHash(d.copyFingerprint())), d.comment());
      }
    }
    line(md, "");

    line(md, "## Refused decisions");
    if (empty(r.refusedDecisions())) {
      line(md, NONE);
    } else {
      line(md, "| When | Claimed by | Step | Verdict | Via | Reason |");
      line(md, "|---|---|---|---|---|---|");
      for (RefusedDecision x : r.refusedDecisions()) {
        cells(md, time(x.at()), x.approver(), x.step(), x.verdict(), x.via(), x.reason());
      }
    }
    line(md, "");

    line(md, "## Notifications");
    if (empty(r.notifications())) {
      line(md, NONE);
    } else {
      line(md, "| Event | Level | When | Delivered |");
      line(md, "|---|---|---|---|");
      for (NotificationRecord n : r.notifications()) {
        cells(md, n.event(), String.valueOf(n.level()), time(n.at()),
            n.delivered() ? MET : MISSED + (n.error() == null ? "" : " " + n.error()));
      }
    }
    line(md, "");

    if (r.postmortem() != null) {
      postmortem(md, r.postmortem());
    } else {
      line(md, "## Post-recovery checklist");
      List<String> checklist = empty(r.postRecoveryChecklist()) ? DEFAULT_CHECKLIST
          : r.postRecoveryChecklist();
      checklist.forEach(item -> line(md, "- [ ] " + oneLine(item)));
    }
    if (r.jsonKey() != null || r.markdownKey() != null) {
      line(md, "");
      line(md, "---");
      line(md, "Stored as " + (r.markdownKey() == null ? "" : code(r.markdownKey()))
          + (r.markdownKey() != null && r.jsonKey() != null ? " and " : "")
          + (r.jsonKey() == null ? "" : code(r.jsonKey())) + ".");
    }
    return md.toString();
  }

  /** "alice", or "alice and bob" for a step that needed two approvers. */
  private static String who(DecisionRecord d) {
    if (d.signedBy() == null || d.signedBy().size() < 2) {
      return d.approver();
    }
    return String.join(" and ", d.signedBy().stream().map(SignedBy::approver).toList());
  }

  /** The keys that signed: "alice SHA256:…" per approver; "unsigned" when none did. */
  private static String signedBy(DecisionRecord d) {
    if (d.signedBy() == null || d.signedBy().isEmpty()) {
      return "—";
    }
    List<String> out = new ArrayList<>();
    for (SignedBy s : d.signedBy()) {
      out.add(s.approver() + " " + (s.key() == null ? "(unsigned)" : code(s.key())
          + (s.signedAt() == null ? "" : " at " + s.signedAt())));
    }
    return String.join("; ", out);
  }

  private static String shortHash(String sha) {
    return sha == null ? null : sha.length() > 16 ? sha.substring(0, 16) + "…" : sha;
  }

  /** The post-mortem: its five items with owner, due date and answer; the actions; closed when. */
  static void postmortem(StringBuilder md,
      io.drorch.workflows.contracts.values.Postmortem p) {
    line(md, "## Post-mortem" + (p.closed() ? " (closed " + time(p.closedAt()) + ")" : " (open)"));
    line(md, "");
    line(md, "| | item | owner | due | done | answer |");
    line(md, "|---|---|---|---|---|---|");
    for (var it : p.items()) {
      cells(md, String.valueOf(it.number()), it.title(), it.owner(), time(it.due()),
          it.done() ? MET + " " + time(it.recordedAt()) + " by " + it.recordedBy() : "open",
          it.answer());
    }
    if (!empty(p.actions())) {
      line(md, "");
      line(md, "Preventive measures:");
      line(md, "");
      for (var a : p.actions()) {
        line(md, "- [" + (a.done() ? "x" : " ") + "] #" + a.number() + " " + oneLine(a.text())
            + " (owner " + a.owner() + ", due " + time(a.due()) + ")");
      }
    }
    if (!empty(p.attendees())) {
      line(md, "");
      line(md, "Team review attendees: " + String.join(", ", p.attendees()));
    }
  }

  /**
   * The report in one line, for a terminal: "INC-42 RECOVERED in 3m 05s (RTO 4h); RPO database
   * 6s (1h), files 2s (1d)".
   */
  public static String summary(RecoveryReport r) {
    return r.incidentId() + " " + r.outcome() + " in " + duration(r.rtoAchieved())
        + (r.rtoObjective() == null ? "" : " (RTO " + duration(r.rtoObjective()) + ")") + "; RPO "
        + rpo(r);
  }

  /** "database 6s (1h), files 2s (1d)": the achieved RPO of each kind, its objective in brackets. */
  public static String rpo(RecoveryReport r) {
    StringBuilder sb = new StringBuilder();
    if (r.rpoAchieved() != null) {
      new java.util.TreeMap<>(r.rpoAchieved()).forEach((kind, d) ->
          sb.append(sb.length() == 0 ? "" : ", ").append(kind).append(' ').append(withObjective(d,
              r.rpoObjective() == null ? null : r.rpoObjective().get(kind))));
    }
    return sb.length() == 0 ? "—" : sb.toString();
  }

  /** "17s (1d)": achieved, then the objective in brackets. */
  public static String withObjective(Duration achieved, Duration objective) {
    return duration(achieved) + (objective == null ? "" : " (" + duration(objective) + ")");
  }

  /** {@code 4h}, {@code 1h 05m}, {@code 2d 3h}, {@code 45s}, {@code 1m 30s}. */
  public static String duration(Duration d) {
    if (d == null) {
      return "—";
    }
    boolean negative = d.isNegative();
    long s = Math.abs(d.getSeconds());
    long days = s / 86_400;
    long h = s % 86_400 / 3_600;
    long m = s % 3_600 / 60;
    long sec = s % 60;
    String text;
    if (days > 0) {
      text = days + "d" + (h > 0 ? " " + h + "h" : "") + (m > 0 ? " " + String.format("%02dm", m) : "");
    } else if (h > 0) {
      text = h + "h" + (m > 0 || sec > 0 ? String.format(" %02dm", m) : "");
    } else if (m > 0) {
      text = m + "m" + (sec > 0 ? String.format(" %02ds", sec) : "");
    } else {
      text = sec + "s";
    }
    return negative ? "-" + text : text;
  }

  static String time(Instant t) {
    return t == null ? "—" : TIME.format(t);
  }

  private static String outcome(RecoveryReport r) {
    if (r.outcome() == null) {
      return "IN PROGRESS";
    }
    return switch (r.outcome()) {
      case RECOVERED -> "RECOVERED " + MET;
      case FAILED -> "FAILED " + MISSED;
      case ABORTED -> "ABORTED " + MISSED;
      case SKIPPED -> "SKIPPED";
    };
  }

  private static String scope(RecoveryScope s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  private static void objective(StringBuilder md, String name, Duration target, Duration achieved) {
    String met = target == null || achieved == null ? "—"
        : achieved.compareTo(target) <= 0 ? MET : MISSED;
    cells(md, name, duration(target), duration(achieved), met);
  }

  private static Duration get(Map<String, Duration> m, String k) {
    return m == null ? null : m.get(k);
  }

  private static boolean empty(List<?> l) {
    return l == null || l.isEmpty();
  }

  private static String code(String s) {
    return s == null || s.isBlank() ? "—" : "`" + s.replace("`", "'") + "`";
  }

  private static void row(StringBuilder md, String name, String value) {
    cells(md, "**" + name + "**", value);
  }

  private static void cells(StringBuilder md, String... values) {
    StringBuilder sb = new StringBuilder("|");
    for (String v : values) {
      sb.append(' ').append(cell(v)).append(" |");
    }
    line(md, sb.toString());
  }

  /** A table cell: one line, pipes escaped. */
  static String cell(String v) {
    if (v == null || v.isBlank()) {
      return "—";
    }
    return oneLine(v).replace("|", "\\|");
  }

  private static String oneLine(String v) {
    return v.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static void line(StringBuilder md, String text) {
    md.append(text).append('\n');
  }
}
