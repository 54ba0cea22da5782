package io.drorch.starter.recovery;

import io.drorch.activities.report.ReportMarkdown;
import io.drorch.starter.console.RunProgress;
import io.drorch.starter.console.Terminal;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.queries.RecoveryStatus;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.PhaseRecord;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.StepState;
import io.drorch.workflows.recovery.Names;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Follows a recovery until it ends ({@code dr recover --follow}, {@code dr status --follow}, the
 * demo): every step that finishes, every decision asked for and given, as lines; what is running
 * now (with the byte counts its activities report), the time elapsed and the time left to the RTO
 * as the progress line. Asks the {@code status} query once a second.
 */
public final class RecoveryFollower {
  static final Duration POLL = Duration.ofSeconds(1);
  private static final List<String> CHILDREN = List.of("database", "files", "application");

  private final WorkflowClient client;
  private final String incident;
  private final Terminal term;
  private final RunProgress progress;
  private final Set<String> seen = new HashSet<>();

  public RecoveryFollower(WorkflowClient client, String incident, Terminal term) {
    this.client = client;
    this.incident = incident;
    this.term = term;
    this.progress = new RunProgress(client);
  }

  /**
   * Follows until the recovery ends and returns its report. When {@code answer} is given, it is
   * asked for each new pending decision and its answer (when not null) is sent.
   */
  public RecoveryReport follow(Function<PendingDecision, RecoveryRuns.Answer> answer)
      throws InterruptedException {
    RecoveryWorkflow wf = RecoveryRuns.existing(client, incident);
    while (true) {
      RecoveryStatus s;
      try {
        s = wf.status();
      } catch (RuntimeException e) {
        s = null; // not started yet, or no worker answers right now: ask again
      }
      if (s != null) {
        show(s, wf, answer);
        if (s.outcome() != null) {
          term.clearProgress();
          return WorkflowStub.fromTyped(wf).getResult(RecoveryReport.class);
        }
        term.progress(now(s), times(s, Instant.now()));
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** The new events since the last look, in the order they happened; answers new questions. */
  private void show(RecoveryStatus s, RecoveryWorkflow wf,
      Function<PendingDecision, RecoveryRuns.Answer> answer) {
    List<Event> events = new ArrayList<>();
    for (PhaseRecord p : s.steps()) {
      if (p.state() != StepState.RUNNING && seen.add("step|" + p.name() + "|" + p.state())) {
        events.add(new Event(p.finishedAt(), String.format("  %-22s %s %s", p.name(),
            state(p.state()), p.detail() == null ? "" : p.detail()), null));
      }
    }
    for (DecisionRecord d : s.decisions()) {
      if (seen.add(key(d))) {
        events.add(new Event(d.at(), decision(d), null));
      }
    }
    for (PendingDecision p : s.pending()) {
      if (seen.add("pending|" + p.step() + "|" + p.level() + "|" + p.approvedBy().size())) {
        events.add(new Event(p.openedAt(), "  " + term.yellow("?") + " " + p.step()
            + " waits for " + p.levelName() + " (" + String.join(", ", p.approvers()) + "): "
            + p.description(), p));
      }
    }
    events.sort(Comparator.comparing(Event::at, Comparator.nullsLast(Comparator.naturalOrder())));
    for (Event e : events) {
      term.line(e.line());
      if (e.question() != null && answer != null) {
        RecoveryRuns.Answer a = answer.apply(e.question());
        if (a != null) {
          DecisionRecord r = wf.decide(RecoveryRuns.decision(s, a.approver(), a.verdict(),
              e.question().step(), a.comment(), a.signer(), PlanDefaults.SIGNATURE_VALIDITY,
              Instant.now()));
          if (seen.add(key(r))) {
            term.line(decision(r));
          }
        }
      }
    }
  }

  private record Event(Instant at, String line, PendingDecision question) {}

  private static String key(DecisionRecord d) {
    return "decided|" + d.step() + "|" + d.verdict() + "|" + d.approver() + "|" + d.at();
  }

  private String decision(DecisionRecord d) {
    return "  " + term.green("✓") + " " + d.step() + ": " + d.verdict() + " by " + d.approver()
        + " (level " + d.level() + signedWith(d) + ")"
        + (d.comment() == null ? "" : ": " + d.comment());
  }

  /** ", signed with SHA256:…" of the last signer, or "" for an unsigned decision. */
  private static String signedWith(DecisionRecord d) {
    if (d.signedBy() == null || d.signedBy().isEmpty()) {
      return "";
    }
    String key = d.signedBy().get(d.signedBy().size() - 1).key();
    return key == null ? "" : ", signed with " + key;
  }

  private String state(StepState state) {
    String padded = String.format("%-8s", state);
    return switch (state) {
      case DONE -> term.green(padded);
      case FAILED, ABORTED -> term.red(padded);
      default -> term.yellow(padded);
    };
  }

  /** What is going on: the activities' progress, else the running steps; and who is awaited. */
  String now(RecoveryStatus s) {
    List<String> running = s.steps().stream().filter(p -> p.state() == StepState.RUNNING)
        .map(PhaseRecord::name).toList();
    List<String> parts = new ArrayList<>();
    for (String child : CHILDREN) {
      String prefix = child.equals("application") ? "app-" : child + "-";
      if (running.stream().anyMatch(n -> n.startsWith(prefix)
          || n.equals("recover-" + child))) {
        parts.addAll(progress.of(child, Names.workflowId(incident) + "-" + child));
      }
    }
    if (parts.isEmpty()) {
      parts.addAll(running.stream().filter(n -> !n.startsWith("recover-")).toList());
    }
    for (PendingDecision p : s.pending()) {
      parts.add(p.step() + " waits for level " + p.level() + " (" + String.join(", ", p.approvers())
          + ")");
    }
    if (parts.isEmpty()) {
      parts.add(s.phase());
    }
    return String.join(" · ", parts);
  }

  /** "elapsed 1m 05s · RTO left 3h 58m" (or how long ago it was breached). */
  static String times(RecoveryStatus s, Instant now) {
    List<String> out = new ArrayList<>();
    if (s.startedAt() != null) {
      out.add("elapsed " + ReportMarkdown.duration(Duration.between(s.startedAt(), now)));
    }
    if (s.rtoDeadline() != null) {
      Duration left = Duration.between(now, s.rtoDeadline());
      out.add(left.isNegative() ? "RTO breached " + ReportMarkdown.duration(left.negated()) + " ago"
          : "RTO left " + ReportMarkdown.duration(left));
    }
    return String.join(" · ", out);
  }
}
