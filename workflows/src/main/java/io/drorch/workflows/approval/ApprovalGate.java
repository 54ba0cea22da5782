package io.drorch.workflows.approval;

import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.Timers;
import io.drorch.workflows.common.Versions;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.commands.DecisionRequest;
import io.drorch.workflows.contracts.plan.AllowedSigner;
import io.drorch.workflows.contracts.plan.ApprovalSettings;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.values.DecisionKind;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.RefusedDecision;
import io.drorch.workflows.contracts.values.SignedBy;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.notify.Notifier;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The human loop, workflow-side and reusable: every destructive step and every step that failed
 * for good waits here for a decision. A request is addressed to level 1 (or higher once the
 * recovery has escalated), escalates to the next level when its level's timeout passes with no
 * answer, and after the last level keeps reminding — or, if the plan says so, aborts. A destructive
 * step is never approved by the gate itself.
 *
 * <p>What counts as a decision: one for the pending step, from an approver the worker's plan
 * lists at the request's current level or above, with a verdict that fits the step, and — when
 * the plan requires signatures (the default) — signed with one of that approver's keys from the
 * plan over the canonical text ({@link DecisionText}) that binds it to this incident, workflow
 * run, step, backup and restored copy, not expired, not signed in the future (beyond {@link
 * PlanDefaults#CLOCK_SKEW}) and not before the copy it names was made. Unless the plan allows
 * it, whoever started the recovery may not approve it (they may REJECT or ABORT). A step the plan
 * gives {@code min-approvers: N} needs N distinct approvers' APPROVE; one REJECT ends it.
 *
 * <p>What never happens: a refused decision changes anything but the list of refusals; a
 * signature is reused for another request (the signed text names it); a decision kept from before
 * its request counts unless it fits the request once it opens; an identical repeat of a decision
 * taken changes anything (it is harmless). Refusals by Update are answered to the caller (a
 * validator cannot record); refusals by Signal are recorded (the last {@value #MAX_REFUSED}).
 *
 * <p>The gate keeps the search attribute {@link SearchAttributes#DR_AWAITING_LEVEL} of its workflow
 * at the highest level among the pending requests (0 when none), so "every recovery waiting for a
 * CTO" is one visibility query. Each wait shows in the Web UI as a timer with a summary.
 */
public final class ApprovalGate {
  static final int MAX_REFUSED = 50;
  static final int MAX_EARLY = 50;

  private final List<EscalationLevel> levels;
  private final ApprovalSettings approvals;
  private final boolean abortWhenUnanswered;
  private final Duration reminderInterval;
  private final String incidentId;
  private final String requestedBy;
  private final Notifier notifier;
  private final Consumer<DecisionRecord> deliver;

  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Map<String, DecisionRecord> decided = new LinkedHashMap<>();
  /** Signature (whitespace removed) → the step it was taken for. */
  private final Map<String, String> usedSignatures = new LinkedHashMap<>();
  private final List<ApprovalDecision> early = new ArrayList<>();
  private final List<RefusedDecision> refused = new ArrayList<>();
  private int minimumLevel = 1;
  private Runnable onChange = () -> {};

  private static final class Pending {
    final DecisionRequest request;
    final Instant openedAt;
    final List<SignedBy> approvals = new ArrayList<>();
    int level;
    Instant levelSince;
    /** When the current wait at {@link #waitLevel} ends (the view's next-escalation time: a query
     * cannot ask which version the run follows, so the loop records what it chose). */
    Instant waitUntil;
    int waitLevel;
    /** The last level's own timeout has passed (since then: reminders, or the abort). */
    boolean lastLevelTimedOut;

    Pending(DecisionRequest request, int level, Instant now) {
      this.request = request;
      this.level = level;
      this.openedAt = now;
      this.levelSince = now;
    }
  }

  /** The result of checking a decision against a request: the problem, or the key that signed. */
  private record Check(String problem, String key) {
    static Check refused(String problem) {
      return new Check(problem, null);
    }
  }

  /**
   * @param approvals the plan's approvals section (null: the defaults)
   * @param requestedBy who started the recovery (the four-eyes rule)
   * @param deliver called once per decision taken (rings the doorbell of the child that asked)
   */
  public ApprovalGate(
      String incidentId,
      String requestedBy,
      List<EscalationLevel> levels,
      ApprovalSettings approvals,
      boolean abortWhenUnanswered,
      Duration reminderInterval,
      Notifier notifier,
      Consumer<DecisionRecord> deliver) {
    List<EscalationLevel> sorted = new ArrayList<>(levels);
    sorted.sort(Comparator.comparingInt(EscalationLevel::level));
    this.levels = List.copyOf(sorted);
    this.approvals = PlanDefaults.approvals(approvals);
    this.abortWhenUnanswered = abortWhenUnanswered;
    this.reminderInterval = reminderInterval == null ? PlanDefaults.REMINDER_INTERVAL : reminderInterval;
    this.incidentId = incidentId;
    this.requestedBy = requestedBy;
    this.notifier = notifier;
    this.deliver = deliver;
  }

  /** Called after every change of the pending requests (opened, escalated, decided, refused). */
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
        + options(request.kind()) + needs(p) + ". Answer with `dr approve`/`dr reject`.");
    applyEarly(p);
    if (pending.get(request.step()) != p) {
      return; // decided by a decision kept from before
    }
    publishAwaitingLevel();
    Async.procedure(() -> escalateWhileUnanswered(p));
  }

  /** Decisions that arrived before this request: each counts only if it fits the request now. */
  private void applyEarly(Pending p) {
    for (ApprovalDecision d : List.copyOf(early)) {
      if (!p.request.step().equals(d.step())) {
        continue;
      }
      early.remove(d);
      if (pending.get(p.request.step()) != p) {
        DecisionRecord done = decided.get(p.request.step());
        if (done == null || !duplicateOf(done, d)) {
          refuse(d, "kept from before '" + p.request.step() + "' asked, but it was decided"
              + " already", "early signal");
        }
        continue;
      }
      if (duplicatePartial(p, d)) {
        continue;
      }
      Check c = check(d, p);
      if (c.problem() != null) {
        refuse(d, "kept from before '" + p.request.step() + "' asked, but it does not fit the"
            + " request: " + c.problem(), "early signal");
      } else {
        take(p, d, c);
      }
    }
  }

  private void escalateWhileUnanswered(Pending p) {
    boolean quiet = Versions.has(Versions.QUIET_WAITS);
    int reminders = 0;
    while (pending.get(p.request.step()) == p) {
      int level = p.level;
      boolean last = level >= lastLevel();
      Duration wait = waitAt(p, level, last, quiet, reminders);
      p.waitUntil = now().plus(wait);
      p.waitLevel = level;
      boolean changed = Timers.await(wait, waitSummary(p, level, last, wait),
          () -> pending.get(p.request.step()) != p || p.level != level);
      if (changed) {
        continue; // decided, or escalated by hand / by the RTO watch: restart at the new level
      }
      if (last) {
        p.lastLevelTimedOut = true; // its own timeout has passed: from now on, the reminders
      }
      if (!last) {
        raise(p, "no answer from " + levelName(level) + " in " + Timers.human(wait));
      } else if (abortWhenUnanswered) {
        Verdict v = p.request.kind() == DecisionKind.DESTRUCTIVE_STEP ? Verdict.REJECT : Verdict.ABORT;
        record(p, new DecisionRecord(p.request.step(), "system", level, v,
            "nobody answered after the last escalation level; the plan says abort", now(),
            p.request.backupId(), p.request.copyFingerprint(), List.of(), 0));
      } else {
        reminders++;
        notifier.send("reminder", level, "Still waiting for a decision: "
            + p.request.description() + " (open since " + p.openedAt + ")");
      }
    }
  }

  /**
   * How long to wait at {@code level}: its timeout; at the last level, its own timeout first and
   * then the reminder waits. Runs started before {@value Versions#LAST_LEVEL_WAITS} waited only the
   * reminder wait at the last level (so the plan's abort came early); they keep doing so.
   */
  private Duration waitAt(Pending p, int level, boolean last, boolean quiet, int reminders) {
    if (!last) {
      return timeout(level);
    }
    if (p.lastLevelTimedOut || !Versions.has(Versions.LAST_LEVEL_WAITS)) {
      return reminderWait(quiet, reminders);
    }
    return timeout(level);
  }

  /**
   * How long to wait before reminder {@code sent + 1} after the last level. Quiet waits (change
   * {@value Versions#QUIET_WAITS}): the plan's interval {@link PlanDefaults#FULL_REMINDERS} times,
   * then doubling up to {@link PlanDefaults#QUIET_INTERVAL} (or the plan's interval if longer), so
   * a month of waiting writes tens of reminders, not hundreds. Runs from before keep the interval.
   */
  Duration reminderWait(boolean quiet, int sent) {
    if (!quiet || sent < PlanDefaults.FULL_REMINDERS) {
      return reminderInterval;
    }
    Duration cap = reminderInterval.compareTo(PlanDefaults.QUIET_INTERVAL) > 0
        ? reminderInterval : PlanDefaults.QUIET_INTERVAL;
    Duration wait = reminderInterval;
    for (int i = PlanDefaults.FULL_REMINDERS; i <= sent && wait.compareTo(cap) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(cap) > 0 ? cap : wait;
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
      return duplicateOf(done, d) ? null
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
    if (duplicatePartial(p, d)) {
      return null;
    }
    return check(d, p).problem();
  }

  /** Takes a validated decision (Update handler): returns what was recorded. */
  public DecisionRecord decide(ApprovalDecision d) {
    DecisionRecord done = d.step() == null ? null : decided.get(d.step());
    if (done != null) {
      return done; // identical duplicate: harmless
    }
    Pending p = target(d);
    if (duplicatePartial(p, d)) {
      return partial(p);
    }
    Check c = check(d, p);
    if (c.problem() != null) { // cannot happen after the validator; never take it unchecked
      throw io.drorch.workflows.common.DrError.BAD_INPUT.failure(c.problem());
    }
    return take(p, d, c);
  }

  /**
   * A decision by Signal: taken when valid; kept for later when its step has not asked yet (it
   * counts only if it fits the request when that opens); otherwise refused and recorded (signals
   * cannot answer back).
   */
  public void signal(ApprovalDecision d) {
    String basic = basicProblem(d);
    if (basic != null) {
      refuse(d, basic, "signal");
      return;
    }
    DecisionRecord done = d.step() == null ? null : decided.get(d.step());
    if (done != null) {
      if (!duplicateOf(done, d)) {
        refuse(d, "'" + d.step() + "' was already decided: " + done.verdict() + " by "
            + done.approver(), "signal");
      }
      return;
    }
    Pending p = target(d);
    if (p == null && d.step() != null && !pending.containsKey(d.step())) {
      if (early.size() >= MAX_EARLY) {
        refuse(d, "too many decisions are waiting for their steps already (" + MAX_EARLY + ")",
            "signal");
      } else {
        early.add(d);
      }
      return;
    }
    if (p != null && duplicatePartial(p, d)) {
      return;
    }
    String why = validate(d);
    if (why != null) {
      refuse(d, why, "signal");
      return;
    }
    take(p, d, check(d, p));
  }

  /** A child recovery's doorbell rang without a decision of the gate behind it. */
  public void refusedElsewhere(RefusedDecision r) {
    addRefused(r);
  }

  /** At the end of the recovery: decisions kept for steps that never asked are refused. */
  public void close() {
    for (ApprovalDecision d : List.copyOf(early)) {
      refuse(d, "its step '" + d.step() + "' never asked for a decision", "early signal");
    }
    early.clear();
  }

  private DecisionRecord take(Pending p, ApprovalDecision d, Check c) {
    int level = levelOf(d.approver());
    SignedBy by = new SignedBy(d.approver(), level, c.key(),
        d.signed() ? d.signedAt() : null, now(), d.comment());
    if (d.signed()) {
      usedSignatures.put(normalized(d.signature()), p.request.step());
    }
    if (d.verdict() == Verdict.APPROVE && p.approvals.size() + 1 < needed(p)) {
      p.approvals.add(by);
      notifier.send("approved-in-part", p.level, p.request.step() + ": APPROVE by "
          + d.approver() + " (" + p.approvals.size() + " of " + needed(p) + "); waiting for"
          + " another approver at " + levelName(p.level) + " or above");
      onChange.run();
      return partial(p);
    }
    List<SignedBy> all = new ArrayList<>();
    if (d.verdict() == Verdict.APPROVE) {
      all.addAll(p.approvals);
    }
    all.add(by);
    return record(p, new DecisionRecord(p.request.step(), d.approver(), level, d.verdict(),
        d.comment(), now(), p.request.backupId(), p.request.copyFingerprint(), List.copyOf(all),
        0));
  }

  /** What an Update that recorded one approval of several answers. */
  private DecisionRecord partial(Pending p) {
    SignedBy last = p.approvals.get(p.approvals.size() - 1);
    return new DecisionRecord(p.request.step(), last.approver(), last.level(), Verdict.APPROVE,
        last.comment(), last.at(), p.request.backupId(), p.request.copyFingerprint(),
        List.copyOf(p.approvals), needed(p) - p.approvals.size());
  }

  private DecisionRecord record(Pending p, DecisionRecord r) {
    pending.remove(p.request.step());
    decided.put(p.request.step(), r);
    publishAwaitingLevel();
    notifier.send("decided", r.level(), p.request.step() + ": " + r.verdict() + " by "
        + String.join(" and ", r.signedBy().isEmpty() ? List.of(r.approver())
            : r.signedBy().stream().map(SignedBy::approver).toList())
        + (r.comment() == null ? "" : " (" + r.comment() + ")"));
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
    String multiLine = DecisionText.multiLineField(d);
    if (multiLine != null) {
      return "the decision's " + multiLine + " holds a line break; every field is one line";
    }
    if (levelOf(d.approver()) == 0) {
      return "unknown approver '" + d.approver() + "': the plan's approvers are "
          + levels.stream().map(l -> l.level() + " " + String.join("/", l.approvers())).toList();
    }
    return null;
  }

  /** Everything a decision must satisfy to count for {@code p}. */
  private Check check(ApprovalDecision d, Pending p) {
    String step = p.request.step();
    if (d.step() != null && !d.step().equals(step)) {
      return Check.refused("decision is for '" + d.step() + "', not '" + step + "'");
    }
    Check proof = proof(d, p);
    if (proof.problem() != null) {
      return proof;
    }
    boolean destructive = p.request.kind() == DecisionKind.DESTRUCTIVE_STEP;
    boolean fits = destructive
        ? d.verdict() == Verdict.APPROVE || d.verdict() == Verdict.REJECT
        : d.verdict() == Verdict.RETRY || d.verdict() == Verdict.SKIP || d.verdict() == Verdict.ABORT;
    if (!fits) {
      return Check.refused("'" + step + "' needs " + options(p.request.kind()) + ", not "
          + d.verdict());
    }
    int level = levelOf(d.approver());
    if (level < p.level) {
      return Check.refused(d.approver() + " is at level " + level + " (" + levelName(level)
          + "); '" + step + "' is at level " + p.level + " (" + levelName(p.level)
          + "): only level " + p.level + " or above can decide it");
    }
    boolean stops = d.verdict() == Verdict.REJECT || d.verdict() == Verdict.ABORT;
    if (!approvals.requesterMayApprove() && !stops && d.approver().equals(requestedBy)) {
      return Check.refused("you started this recovery; another approver must decide ("
          + d.approver() + " requested it, and the plan's approvals.requester-may-approve is"
          + " false; a REJECT or ABORT by you still counts)");
    }
    if (d.verdict() == Verdict.APPROVE
        && p.approvals.stream().anyMatch(a -> a.approver().equals(d.approver()))) {
      return Check.refused(d.approver() + " already approved '" + step + "', which needs "
          + needed(p) + " distinct approvers: another approver at " + levelName(p.level)
          + " or above must approve it too");
    }
    return proof;
  }

  /**
   * The decision is bound to this run, step, backup and copy, in time, and signed by the
   * approver's key (when signed, or when the plan requires it). Returns the key's fingerprint.
   */
  private Check proof(ApprovalDecision d, Pending p) {
    if (!d.signed()) {
      if (approvals.signaturesRequired()) {
        return Check.refused("unsigned: the plan requires every decision to be signed with the"
            + " approver's SSH key (`dr approve INC --as NAME --key KEY`, or by hand with"
            + " `ssh-keygen -Y sign -n " + SshSignature.NAMESPACE + "`; see the README)");
      }
      // optional signatures: an unsigned decision still may not name another run, backup or copy
      String bound = binding(d, p, false);
      return bound == null ? new Check(null, null) : Check.refused(bound);
    }
    String bound = binding(d, p, true);
    if (bound != null) {
      return Check.refused(bound);
    }
    Instant signedAt = DecisionText.parse(d.signedAt());
    Instant expiresAt = DecisionText.parse(d.expiresAt());
    if (signedAt == null || expiresAt == null) {
      return Check.refused("signedAt and expiresAt must be UTC times with whole seconds, like "
          + "2026-12-01T10:00:00Z (got " + d.signedAt() + ", " + d.expiresAt() + ")");
    }
    Instant now = now();
    if (!expiresAt.isAfter(signedAt)) {
      return Check.refused("expires-at " + d.expiresAt() + " is not after signed-at "
          + d.signedAt());
    }
    if (!now.isBefore(expiresAt)) {
      return Check.refused("the decision expired at " + d.expiresAt() + " (now "
          + DecisionText.format(now) + "): sign it again");
    }
    if (signedAt.isAfter(now.plus(PlanDefaults.CLOCK_SKEW))) {
      return Check.refused("signed-at " + d.signedAt() + " is in the future (now "
          + DecisionText.format(now) + "): check the signing machine's clock");
    }
    Instant copyMadeAt = p.request.copyMadeAt();
    if (copyMadeAt != null && signedAt.isBefore(copyMadeAt.minus(PlanDefaults.CLOCK_SKEW))) {
      return Check.refused("signed at " + d.signedAt() + ", before the restored copy it names"
          + " was made (" + DecisionText.format(copyMadeAt) + "): an approval cannot predate"
          + " the copy it approves");
    }
    String usedFor = usedSignatures.get(normalized(d.signature()));
    if (usedFor != null && !usedFor.equals(p.request.step())) {
      return Check.refused("this signature was already used for '" + usedFor + "'");
    }
    List<SshSignature.TrustedKey> keys = keysOf(d.approver());
    if (keys.isEmpty()) {
      return Check.refused(d.approver() + " has no key in the plan's allowed signers ("
          + (approvals.allowedSigners() == null ? "approvals.allowed-signers is not set"
              : approvals.allowedSigners()) + ")");
    }
    String text = DecisionText.of(incidentId, Workflow.getInfo().getWorkflowId(),
        p.request.step(), d);
    SshSignature.Result r = SshSignature.verify(d.signature(),
        text.getBytes(StandardCharsets.UTF_8), SshSignature.NAMESPACE, keys);
    if (!r.ok()) {
      String owner = r.keyFingerprint() == null ? null : ownerOf(r.keyFingerprint());
      return Check.refused(owner != null && !owner.equals(d.approver())
          ? "signed with " + owner + "'s key (" + r.keyFingerprint() + "), not "
              + d.approver() + "'s: a decision is signed by the approver it names"
          : r.problem());
    }
    return new Check(null, r.keyFingerprint());
  }

  /** The run, backup and copy the decision names are the request's (null: they are). */
  private String binding(ApprovalDecision d, Pending p, boolean required) {
    String run = decisionRun();
    if (d.run() == null ? required : !d.run().strip().equals(run)) {
      return d.run() == null ? "the signed decision names no run (it must name run " + run + ")"
          : "the decision is for run " + d.run() + ", not this recovery's run " + run
              + " (another incident, or an earlier run of this one)";
    }
    boolean given = d.backup() != null || d.copy() != null;
    if (!required && !given) {
      return null;
    }
    String backup = DecisionText.none(p.request.backupId());
    if (!Objects.equals(DecisionText.none(d.backup()), backup)) {
      return "the decision is about backup " + DecisionText.dash(d.backup())
          + "; the pending request is about backup " + DecisionText.dash(backup);
    }
    String copy = DecisionText.none(p.request.copyFingerprint());
    if (!Objects.equals(DecisionText.none(d.copy()), copy)) {
      return "the decision approves the restored copy " + DecisionText.dash(d.copy())
          + "; the pending request names copy " + DecisionText.dash(copy)
          + " (the copy was made again, or the decision is for another one)";
    }
    return null;
  }

  private boolean duplicateOf(DecisionRecord done, ApprovalDecision d) {
    if (d.signed()) {
      return done.step().equals(usedSignatures.get(normalized(d.signature())));
    }
    return !approvals.signaturesRequired() && done.approver().equals(d.approver())
        && done.verdict() == d.verdict();
  }

  private boolean duplicatePartial(Pending p, ApprovalDecision d) {
    if (p == null || d.verdict() != Verdict.APPROVE) {
      return false;
    }
    if (d.signed()) {
      return p.request.step().equals(usedSignatures.get(normalized(d.signature())));
    }
    return !approvals.signaturesRequired()
        && p.approvals.stream().anyMatch(a -> a.approver().equals(d.approver()));
  }

  private void refuse(ApprovalDecision d, String reason, String via) {
    Workflow.getLogger(ApprovalGate.class).warn("decision {} refused: {}", via, reason);
    addRefused(new RefusedDecision(d == null ? null : d.approver(), d == null ? null : d.step(),
        d == null || d.verdict() == null ? null : d.verdict().name(), reason, now(), via));
  }

  private void addRefused(RefusedDecision r) {
    refused.add(r);
    while (refused.size() > MAX_REFUSED) {
      refused.remove(0);
    }
    onChange.run();
  }

  private List<SshSignature.TrustedKey> keysOf(String approver) {
    List<SshSignature.TrustedKey> out = new ArrayList<>();
    for (AllowedSigner s : approvals.signers()) {
      boolean forUs = s.namespaces() == null || s.namespaces().isEmpty()
          || s.namespaces().contains(SshSignature.NAMESPACE);
      if (forUs && s.principals() != null && s.principals().contains(approver)) {
        out.add(new SshSignature.TrustedKey(s.keyType(), s.key()));
      }
    }
    return out;
  }

  private String ownerOf(String fingerprint) {
    for (AllowedSigner s : approvals.signers()) {
      if (fingerprint.equals(SshSignature.fingerprint(s.key())) && s.principals() != null
          && !s.principals().isEmpty()) {
        return String.join("/", s.principals());
      }
    }
    return null;
  }

  private static String normalized(String signature) {
    return signature.replace("\\n", "").replaceAll("\\s+", "");
  }

  private int needed(Pending p) {
    return p.request.kind() == DecisionKind.DESTRUCTIVE_STEP
        ? approvals.approversFor(p.request.step()) : 1;
  }

  private String needs(Pending p) {
    return needed(p) > 1 ? " (" + needed(p) + " distinct approvers must APPROVE)" : "";
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
  private String waitSummary(Pending p, int level, boolean last, Duration wait) {
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
      Instant next = p.waitUntil != null && p.level == p.waitLevel
          ? p.waitUntil
          : p.levelSince.plus(last ? reminderInterval : timeout(p.level));
      out.add(new PendingDecision(p.request.step(), p.request.kind(), p.request.description(),
          p.level, levelName(p.level), approvers(p.level), p.openedAt, next,
          p.request.backupId(), p.request.copyFingerprint(), p.request.copyMadeAt(), needed(p),
          p.approvals.stream().map(SignedBy::approver).toList()));
    }
    return out;
  }

  public List<DecisionRecord> decisions() {
    return List.copyOf(decided.values());
  }

  public List<RefusedDecision> refused() {
    return List.copyOf(refused);
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

  /**
   * The run a decision names: the run id this recovery was started with. A reset (or a
   * continue-as-new) gives the workflow a new current run id but keeps this one, so decisions
   * signed before it still count; another start of the same workflow id has another one, so a
   * decision for an earlier run of the incident never does.
   */
  public static String decisionRun() {
    return Workflow.getInfo().getOriginalExecutionRunId();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
