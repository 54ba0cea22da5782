package io.drorch.workflows.approval;

import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.Timers;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.commands.DecisionRequest;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.values.DecisionKind;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.notify.Notifier;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The human loop, workflow-side and reusable: every destructive step and every step that failed
 * for good waits here for a decision. A request is addressed to level 1 (or higher once the
 * recovery has escalated), escalates to the next level when its level's timeout passes with no
 * answer, and after the last level keeps reminding — or, if the plan says so, aborts. A destructive
 * step is never approved by the gate itself.
 *
 * <p>Decisions count from the request's current level or any higher level. A decision that
 * arrives before its request (by Signal) is kept and applied when the request opens; an identical
 * repeat of a decision already taken is harmless.
 *
 * <p>The gate keeps the search attribute {@link SearchAttributes#DR_AWAITING_LEVEL} of its workflow
 * at the highest level among the pending requests (0 when none), so "every recovery waiting for a
 * CTO" is one visibility query. Each wait shows in the Web UI as a timer with a summary.
 */
public final class ApprovalGate {
  private final List<EscalationLevel> levels;
  private final boolean abortWhenUnanswered;
  private final Duration reminderInterval;
  private final Notifier notifier;
  private final Consumer<DecisionRecord> deliver;

  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Map<String, DecisionRecord> decided = new LinkedHashMap<>();
  private final List<ApprovalDecision> early = new ArrayList<>();
  private int minimumLevel = 1;
  private Runnable onChange = () -> {};

  private static final class Pending {
    final DecisionRequest request;
    final Instant openedAt;
    int level;
    Instant levelSince;

    Pending(DecisionRequest request, int level, Instant now) {
      this.request = request;
      this.level = level;
      this.openedAt = now;
      this.levelSince = now;
    }
  }

  /**
   * @param deliver called once per decision taken (e.g. signals the child that asked)
   */
  public ApprovalGate(
      List<EscalationLevel> levels,
      boolean abortWhenUnanswered,
      Duration reminderInterval,
      Notifier notifier,
      Consumer<DecisionRecord> deliver) {
    List<EscalationLevel> sorted = new ArrayList<>(levels);
    sorted.sort(Comparator.comparingInt(EscalationLevel::level));
    this.levels = List.copyOf(sorted);
    this.abortWhenUnanswered = abortWhenUnanswered;
    this.reminderInterval = reminderInterval == null ? PlanDefaults.REMINDER_INTERVAL : reminderInterval;
    this.notifier = notifier;
    this.deliver = deliver;
  }

  /** Called after every change of the pending requests (opened, escalated, decided). */
  public ApprovalGate onChange(Runnable listener) {
    this.onChange = listener;
    return this;
  }

  // ---- requests ------------------------------------------------------------------------------

  /** Opens a request (idempotent per step) and starts its escalation clock. */
  public void open(DecisionRequest request) {
    if (decided.containsKey(request.step())) {
      deliver.accept(decided.get(request.step())); // the asker missed it: say it again
      return;
    }
    if (pending.containsKey(request.step())) {
      return;
    }
    Pending p = new Pending(request, Math.min(minimumLevel, lastLevel()), now());
    pending.put(request.step(), p);
    notifier.send("approval-needed", p.level, request.description() + " — waiting for "
        + levelName(p.level) + " (" + String.join(", ", approvers(p.level)) + "): "
        + options(request.kind()) + ". Answer with `dr approve`/`dr reject`.");
    for (ApprovalDecision d : List.copyOf(early)) {
      if (problem(d, p) == null) {
        early.remove(d);
        take(p, d);
        return;
      }
    }
    publishAwaitingLevel();
    Async.procedure(() -> escalateWhileUnanswered(p));
  }

  private void escalateWhileUnanswered(Pending p) {
    while (pending.get(p.request.step()) == p) {
      int level = p.level;
      boolean last = level >= lastLevel();
      Duration wait = last ? reminderInterval : timeout(level);
      boolean changed = Timers.await(wait, waitSummary(p, level, last),
          () -> pending.get(p.request.step()) != p || p.level != level);
      if (changed) {
        continue; // decided, or escalated by hand / by the RTO watch: restart at the new level
      }
      if (!last) {
        raise(p, "no answer from " + levelName(level) + " in " + Timers.human(wait));
      } else if (abortWhenUnanswered) {
        Verdict v = p.request.kind() == DecisionKind.DESTRUCTIVE_STEP ? Verdict.REJECT : Verdict.ABORT;
        record(p, new DecisionRecord(p.request.step(), "system", level, v,
            "nobody answered after the last escalation level; the plan says abort", now()));
      } else {
        notifier.send("reminder", level, "Still waiting for a decision: "
            + p.request.description() + " (open since " + p.openedAt + ")");
      }
    }
  }

  private void raise(Pending p, String why) {
    if (p.level >= lastLevel()) {
      return;
    }
    p.level++;
    p.levelSince = now();
    publishAwaitingLevel();
    notifier.send("escalated", p.level, "Escalated to " + levelName(p.level) + " ("
        + String.join(", ", approvers(p.level)) + "): " + p.request.description() + " — " + why);
  }

  /** Escalates every open request by one level; later requests start at the raised level too. */
  public void escalateAll(String why, boolean raiseFloor) {
    if (raiseFloor) {
      minimumLevel = Math.min(lastLevel(), minimumLevel + 1);
    }
    for (Pending p : List.copyOf(pending.values())) {
      raise(p, why);
    }
  }

  // ---- decisions -----------------------------------------------------------------------------

  /** Why this decision cannot be taken now, or null when it can (the Update validator). */
  public String validate(ApprovalDecision d) {
    String basic = basicProblem(d);
    if (basic != null) {
      return basic;
    }
    DecisionRecord done = d.step() == null ? null : decided.get(d.step());
    if (done != null) {
      return sameAs(done, d) ? null
          : "'" + d.step() + "' was already decided: " + done.verdict() + " by " + done.approver();
    }
    Pending p = target(d);
    if (p == null) {
      return pending.isEmpty()
          ? "nothing is waiting for a decision" + (d.step() == null ? "" : " at step '" + d.step() + "'")
          : pending.size() > 1 && d.step() == null
              ? pending.size() + " decisions are pending (" + String.join(", ", pending.keySet())
                  + "): name the step"
              : "no pending decision at step '" + d.step() + "'; pending: "
                  + String.join(", ", pending.keySet());
    }
    return problem(d, p);
  }

  /** Takes a validated decision (Update handler): returns what was recorded. */
  public DecisionRecord decide(ApprovalDecision d) {
    DecisionRecord done = d.step() == null ? null : decided.get(d.step());
    if (done != null) {
      return done; // identical duplicate: harmless
    }
    return take(target(d), d);
  }

  /**
   * A decision by Signal: taken when valid, kept for later when nothing it could answer is open
   * yet, otherwise ignored (and logged; signals cannot answer back).
   */
  public void signal(ApprovalDecision d) {
    String basic = basicProblem(d);
    if (basic != null) {
      Workflow.getLogger(ApprovalGate.class).warn("decision signal ignored: {}", basic);
      return;
    }
    if (d.step() != null && decided.containsKey(d.step())) {
      return;
    }
    Pending p = target(d);
    if (p == null && (pending.isEmpty() || (d.step() != null && !pending.containsKey(d.step())))) {
      early.add(d);
      return;
    }
    String why = validate(d);
    if (why != null) {
      Workflow.getLogger(ApprovalGate.class).warn("decision signal ignored: {}", why);
      return;
    }
    take(p, d);
  }

  private DecisionRecord take(Pending p, ApprovalDecision d) {
    return record(p, new DecisionRecord(p.request.step(), d.approver(), levelOf(d.approver()),
        d.verdict(), d.comment(), now()));
  }

  private DecisionRecord record(Pending p, DecisionRecord r) {
    pending.remove(p.request.step());
    decided.put(p.request.step(), r);
    publishAwaitingLevel();
    notifier.send("decided", r.level(), p.request.step() + ": " + r.verdict() + " by "
        + r.approver() + (r.comment() == null ? "" : " (" + r.comment() + ")"));
    deliver.accept(r);
    return r;
  }

  private Pending target(ApprovalDecision d) {
    if (d.step() != null) {
      return pending.get(d.step());
    }
    return pending.size() == 1 ? pending.values().iterator().next() : null;
  }

  private String basicProblem(ApprovalDecision d) {
    if (d == null || d.approver() == null || d.approver().isBlank()) {
      return "the decision names no approver";
    }
    if (d.verdict() == null) {
      return "the decision has no verdict (APPROVE, REJECT, RETRY, SKIP or ABORT)";
    }
    if (levelOf(d.approver()) == 0) {
      return "unknown approver '" + d.approver() + "': the plan's approvers are "
          + levels.stream().map(l -> l.level() + " " + String.join("/", l.approvers())).toList();
    }
    return null;
  }

  private String problem(ApprovalDecision d, Pending p) {
    if (d.step() != null && !d.step().equals(p.request.step())) {
      return "decision is for '" + d.step() + "', not '" + p.request.step() + "'";
    }
    int level = levelOf(d.approver());
    if (level < p.level) {
      return d.approver() + " is at level " + level + " (" + levelName(level) + "); '"
          + p.request.step() + "' is at level " + p.level + " (" + levelName(p.level)
          + "): only level " + p.level + " or above can decide it";
    }
    boolean destructive = p.request.kind() == DecisionKind.DESTRUCTIVE_STEP;
    boolean fits = destructive
        ? d.verdict() == Verdict.APPROVE || d.verdict() == Verdict.REJECT
        : d.verdict() == Verdict.RETRY || d.verdict() == Verdict.SKIP || d.verdict() == Verdict.ABORT;
    if (!fits) {
      return "'" + p.request.step() + "' needs " + options(p.request.kind()) + ", not "
          + d.verdict();
    }
    return null;
  }

  private static boolean sameAs(DecisionRecord r, ApprovalDecision d) {
    return r.approver().equals(d.approver()) && r.verdict() == d.verdict();
  }

  private static String options(DecisionKind kind) {
    return kind == DecisionKind.DESTRUCTIVE_STEP ? "APPROVE or REJECT" : "RETRY, SKIP or ABORT";
  }

  // ---- search attribute and timer summaries -------------------------------------------------

  /** The highest level among pending requests; 0 when nothing is pending. */
  public int awaitingLevel() {
    int max = 0;
    for (Pending p : pending.values()) {
      max = Math.max(max, p.level);
    }
    return max;
  }

  private void publishAwaitingLevel() {
    SearchAttributes.upsert(SearchAttributes.DR_AWAITING_LEVEL, (long) awaitingLevel());
    onChange.run();
  }

  /** e.g. "wait for level 2 Development Team Lead approval on database-swap (30 min, then escalate)". */
  private String waitSummary(Pending p, int level, boolean last) {
    Duration wait = last ? reminderInterval : timeout(level);
    String noun = p.request.kind() == DecisionKind.DESTRUCTIVE_STEP ? "approval" : "decision";
    String then = !last ? "escalate" : abortWhenUnanswered ? "abort" : "remind";
    return "wait for " + levelName(level) + " " + noun + " on " + p.request.step() + " ("
        + Timers.human(wait) + ", then " + then + ")";
  }

  // ---- views ---------------------------------------------------------------------------------

  public List<PendingDecision> pending() {
    List<PendingDecision> out = new ArrayList<>();
    for (Pending p : pending.values()) {
      boolean last = p.level >= lastLevel();
      Instant next = p.levelSince.plus(last ? reminderInterval : timeout(p.level));
      out.add(new PendingDecision(p.request.step(), p.request.kind(), p.request.description(),
          p.level, levelName(p.level), approvers(p.level), p.openedAt, next));
    }
    return out;
  }

  public List<DecisionRecord> decisions() {
    return List.copyOf(decided.values());
  }

  public boolean hasPending() {
    return !pending.isEmpty();
  }

  /** The highest level at which the plan lists this approver (0: not an approver). */
  public int levelOf(String approver) {
    int best = 0;
    for (EscalationLevel l : levels) {
      if (l.approvers() != null && l.approvers().contains(approver)) {
        best = Math.max(best, l.level());
      }
    }
    return best;
  }

  private EscalationLevel level(int n) {
    for (EscalationLevel l : levels) {
      if (l.level() == n) {
        return l;
      }
    }
    return levels.get(levels.size() - 1);
  }

  private int lastLevel() {
    return levels.get(levels.size() - 1).level();
  }

  private String levelName(int n) {
    return n == 0 ? "nobody" : "level " + n + " " + level(n).name();
  }

  private List<String> approvers(int n) {
    return level(n).approvers() == null ? List.of() : level(n).approvers();
  }

  private Duration timeout(int n) {
    Duration t = level(n).timeout();
    return t == null ? PlanDefaults.LEVEL_TIMEOUT : t;
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
