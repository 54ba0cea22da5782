package io.drorch.workflows.postincident;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.common.Failures;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.common.Timers;
import io.drorch.workflows.contracts.commands.PostIncidentInput;
import io.drorch.workflows.contracts.commands.PostmortemEntry;
import io.drorch.workflows.contracts.commands.WritePostmortemInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.PostIncidentSettings;
import io.drorch.workflows.contracts.values.ActionItem;
import io.drorch.workflows.contracts.values.Postmortem;
import io.drorch.workflows.contracts.values.PostmortemItem;
import io.drorch.workflows.notify.Notifier;
import io.drorch.workflows.plan.Plans;
import io.drorch.workflows.report.ReportActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

public class PostIncidentWorkflowImpl implements PostIncidentWorkflow {
  /** The plan's "Post-Recovery Procedures", in its order. */
  public static final List<String> ITEMS = List.of(
      "Document the incident", "Analyze root cause", "Implement preventive measures",
      "Update recovery procedures", "Conduct team review");
  static final int MAX_TEXT = 4000;
  static final int MAX_ACTIONS = 50;

  private final List<PostmortemItem> items = new ArrayList<>();
  private final List<ActionItem> actions = new ArrayList<>();
  private final List<String> attendees = new ArrayList<>();
  private String incidentId;
  private Instant openedAt;
  private Instant closedAt;
  private DrPlan plan;
  private Set<String> approvers = Set.of();
  private Notifier notifier;
  private int topLevel = 1;

  @Override
  public Postmortem run(PostIncidentInput in) {
    incidentId = in.incidentId();
    openedAt = now();
    SearchAttributes.upsert(SearchAttributes.DR_KIND, SearchAttributes.KIND_POST_INCIDENT);
    SearchAttributes.upsert(SearchAttributes.DR_INCIDENT, incidentId);
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "load-plan");
    plan = Plans.load().plan();
    PostIncidentSettings s = PlanDefaults.postIncident(plan.postIncident());
    List<EscalationLevel> levels = plan.escalation() == null ? List.of() : plan.escalation();
    Set<String> names = new LinkedHashSet<>();
    levels.forEach(l -> names.addAll(l.approvers() == null ? List.of() : l.approvers()));
    approvers = names;
    topLevel = levels.stream().mapToInt(EscalationLevel::level).max().orElse(1);
    String owner = s.owner() != null ? s.owner()
        : levels.isEmpty() || levels.get(0).approvers().isEmpty() ? "incident commander"
        : levels.get(0).approvers().get(0);
    Instant from = in.recoveryEndedAt() == null ? openedAt : in.recoveryEndedAt();
    for (int i = 0; i < ITEMS.size(); i++) {
      items.add(new PostmortemItem(i + 1, ITEMS.get(i), owner, from.plus(s.due()), false, null,
          null, null, 0, 0));
    }
    notifier = new Notifier(incidentId, plan.notifications(), levels);
    notifier.send("postmortem-opened", 1, "Incident " + incidentId + ": the post-mortem is open."
        + " Owner " + owner + ", due " + from.plus(s.due()) + ". Record with `dr postmortem "
        + incidentId + " --root-cause …` (five items: " + String.join(", ", ITEMS) + ").");
    details();
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "open");

    List<Promise<Void>> reminders = new ArrayList<>();
    for (int i = 0; i < ITEMS.size(); i++) {
      int index = i;
      reminders.add(Async.procedure(() -> remind(index, s)));
    }
    Workflow.await(this::allDone);
    closedAt = now();
    SearchAttributes.upsert(SearchAttributes.DR_PHASE, "closed");
    Promise.allOf(reminders).get();
    Postmortem pm = status();
    if (in.reportJsonKey() != null) {
      try {
        ActivityStubs.quick(ReportActivities.class, "re-render the incident report of "
                + incidentId + " with its post-mortem (the first version is kept)")
            .writePostmortem(new WritePostmortemInput(plan.storage(), pm));
      } catch (ActivityFailure e) {
        Workflow.getLogger(PostIncidentWorkflowImpl.class).error("the report of {} could not be"
            + " re-rendered: {}", incidentId, Failures.reason(e));
      }
    }
    notifier.send("postmortem-closed", 0, "Incident " + incidentId + ": the post-mortem is"
        + " closed; all five items are done. Root cause: " + items.get(1).answer());
    notifier.awaitDelivered();
    details();
    Workflow.await(Workflow::isEveryHandlerFinished);
    return pm;
  }

  /** Before the due date, at it, then every interval one level higher, until the item is done. */
  private void remind(int index, PostIncidentSettings s) {
    Instant due = items.get(index).due();
    Instant soon = due.minus(s.remindBefore());
    if (waitUntil(soon, index, "reminder before item " + (index + 1) + " is due")) {
      return;
    }
    send(index, 1, "due at " + due + " (in " + Timers.human(Duration.between(now(), due)) + ")");
    if (waitUntil(due, index, "item " + (index + 1) + " due")) {
      return;
    }
    int level = 1;
    send(index, level, "OVERDUE since " + due);
    while (!Timers.await(s.reminderInterval(), "item " + (index + 1) + " overdue: escalate",
        () -> items.get(index).done())) {
      level = Math.min(level + 1, topLevel);
      send(index, level, "OVERDUE since " + due + " (escalated to level " + level + ")");
    }
  }

  private boolean waitUntil(Instant at, int index, String summary) {
    Duration wait = Duration.between(now(), at);
    return wait.compareTo(Duration.ZERO) <= 0 ? items.get(index).done()
        : Timers.await(wait, summary, () -> items.get(index).done());
  }

  private void send(int index, int level, String when) {
    PostmortemItem it = items.get(index);
    if (it.done()) {
      return;
    }
    items.set(index, new PostmortemItem(it.number(), it.title(), it.owner(), it.due(), false,
        null, null, null, it.remindersSent() + 1, Math.max(it.level(), level)));
    String open = index == 2 && !actions.isEmpty() ? " Open actions: " + actions.stream()
        .filter(a -> !a.done()).map(a -> "#" + a.number() + " " + a.text() + " (" + a.owner()
            + ", due " + a.due() + ")").toList() : "";
    notifier.send("postmortem-reminder", level, "Incident " + incidentId + ": post-mortem item "
        + it.number() + " \"" + it.title() + "\" (owner " + it.owner() + ") is " + when + "."
        + open);
    details();
  }

  // ---- the Update ------------------------------------------------------------------------------

  @Override
  public void validateRecord(PostmortemEntry e) {
    String problem = problem(e);
    if (problem != null) {
      throw DrError.BAD_INPUT.failure(problem);
    }
  }

  String problem(PostmortemEntry e) {
    if (plan == null) {
      return "the post-mortem is still reading the worker's plan; try again in a moment";
    }
    if (closedAt != null) {
      return "the post-mortem of " + incidentId + " is closed (all five items are done)";
    }
    if (e == null || e.by() == null || e.by().isBlank()) {
      return "who records it is missing (--by)";
    }
    if (!approvers.contains(e.by())) {
      return "'" + e.by() + "' is not an approver of the plan (" + String.join(", ", approvers)
          + ")";
    }
    boolean any = false;
    for (String text : new String[] {e.summary(), e.rootCause(), e.action()}) {
      if (text != null) {
        any = true;
        if (text.isBlank()) {
          return "an empty text records nothing: say what it is";
        }
        if (text.length() > MAX_TEXT) {
          return "a text of " + text.length() + " characters is too long (at most " + MAX_TEXT
              + "): link to a document instead";
        }
      }
    }
    if (e.action() != null) {
      if (e.actionOwner() == null || !approvers.contains(e.actionOwner())) {
        return "--action needs --owner, an approver of the plan (" + String.join(", ", approvers)
            + "); got " + e.actionOwner();
      }
      if (e.actionDue() == null || e.actionDue().isNegative() || e.actionDue().isZero()) {
        return "--action needs --due, e.g. 7d";
      }
      if (actions.size() >= MAX_ACTIONS) {
        return "already " + MAX_ACTIONS + " actions: mark some done or group them";
      }
    } else if (e.actionOwner() != null || e.actionDue() != null) {
      return "--owner and --due belong to an --action";
    }
    if (e.actionDone() != null && !e.actionDone().isEmpty()) {
      any = true;
      for (Integer n : e.actionDone()) {
        if (n == null || n < 1 || n > actions.size()) {
          return "there is no action #" + n + " (" + actions.size() + " recorded)";
        }
      }
    }
    if (e.proceduresUpdated() != null) {
      any = true;
      if (!e.proceduresUpdated().matches("[0-9a-f]{7,64}")) {
        return "--procedures-updated takes the plan's new SHA-256 (sha256sum dr-plan.yaml) or the"
            + " commit that changed it (7-64 lowercase hex digits); got '" + e.proceduresUpdated()
            + "'";
      }
    }
    if (Boolean.TRUE.equals(e.reviewHeld())) {
      any = true;
      if (e.attendees() == null || e.attendees().stream().noneMatch(a -> a != null
          && !a.isBlank())) {
        return "--review-held needs --attendees (who took part)";
      }
    } else if (e.attendees() != null && !e.attendees().isEmpty()) {
      return "--attendees belong to --review-held";
    }
    return any ? null : "nothing to record: give --summary, --root-cause, --action, --action-done,"
        + " --procedures-updated or --review-held";
  }

  @Override
  public Postmortem record(PostmortemEntry e) {
    Instant at = now();
    if (e.summary() != null) {
      done(0, e.summary(), e.by(), at);
    }
    if (e.rootCause() != null) {
      done(1, e.rootCause(), e.by(), at);
    }
    if (e.action() != null) {
      actions.add(new ActionItem(actions.size() + 1, e.action(), e.actionOwner(),
          at.plus(e.actionDue()), false, e.by(), null));
    }
    if (e.actionDone() != null) {
      for (Integer n : e.actionDone()) {
        ActionItem a = actions.get(n - 1);
        if (!a.done()) {
          actions.set(n - 1, new ActionItem(a.number(), a.text(), a.owner(), a.due(), true,
              e.by(), at));
        }
      }
    }
    if (!actions.isEmpty() && actions.stream().allMatch(ActionItem::done)) {
      done(2, actions.size() + " preventive measure" + (actions.size() == 1 ? "" : "s")
          + " implemented: " + actions.stream().map(ActionItem::text).toList(), e.by(), at);
    }
    if (e.proceduresUpdated() != null) {
      done(3, "plan updated: " + e.proceduresUpdated(), e.by(), at);
    }
    if (Boolean.TRUE.equals(e.reviewHeld())) {
      attendees.clear();
      e.attendees().stream().filter(a -> a != null && !a.isBlank()).map(String::strip)
          .distinct().forEach(attendees::add);
      done(4, "review held with " + String.join(", ", attendees), e.by(), at);
    }
    details();
    return status();
  }

  private void done(int index, String answer, String by, Instant at) {
    PostmortemItem it = items.get(index);
    items.set(index, new PostmortemItem(it.number(), it.title(), it.owner(), it.due(), true,
        answer, by, at, it.remindersSent(), it.level()));
  }

  private boolean allDone() {
    return !items.isEmpty() && items.stream().allMatch(PostmortemItem::done);
  }

  @Override
  public Postmortem status() {
    return new Postmortem(incidentId, List.copyOf(items), List.copyOf(actions),
        List.copyOf(attendees), openedAt, closedAt);
  }

  private void details() {
    StringBuilder md = new StringBuilder("## Post-mortem of " + incidentId + ": "
        + (closedAt != null ? "closed" : "open") + "\n\n");
    for (PostmortemItem it : items) {
      md.append("- [").append(it.done() ? "x" : " ").append("] ").append(it.number()).append(". ")
          .append(it.title()).append(" (").append(it.owner()).append(", due ").append(it.due())
          .append(")").append(it.done() ? "" : it.level() > 0 ? " reminded at level "
              + it.level() : "").append('\n');
    }
    Workflow.setCurrentDetails(md.toString());
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
