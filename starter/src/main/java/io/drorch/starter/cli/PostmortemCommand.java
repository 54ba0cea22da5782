package io.drorch.starter.cli;

import io.drorch.activities.plan.Durations;
import io.drorch.workflows.contracts.commands.PostmortemEntry;
import io.drorch.workflows.contracts.values.ActionItem;
import io.drorch.workflows.contracts.values.Postmortem;
import io.drorch.workflows.contracts.values.PostmortemItem;
import io.drorch.workflows.postincident.PostIncidentWorkflow;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "postmortem", mixinStandardHelpOptions = true,
    description = {"Record the post-mortem of an incident (its five items), or show it when no"
        + " option is given. The post-mortem opens when the recovery ends (postincident-INC);"
        + " it closes when all five items are done, and the incident report is re-rendered.",
        "Example: dr postmortem INC-42 --root-cause \"disk full on db-1\"",
        "         dr postmortem INC-42 --action \"alert at 80% disk\" --owner dana --due 7d"})
class PostmortemCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Parameters(paramLabel = "INCIDENT", description = "e.g. INC-42")
  String incident;

  @Option(names = "--by", description = "Who records it, an approver of the plan (default: $USER).")
  String by = System.getProperty("user.name");

  @Option(names = "--summary", description = "Item 1, document the incident: what happened.")
  String summary;

  @Option(names = "--root-cause", description = "Item 2: the root cause.")
  String rootCause;

  @Option(names = "--action", description = "Item 3: a preventive measure (needs --owner, --due).")
  String action;

  @Option(names = "--owner", description = "Who implements --action (an approver of the plan).")
  String owner;

  @Option(names = "--due", description = "When --action is due, from now: e.g. 7d, 36h.")
  String due;

  @Option(names = "--action-done", split = ",",
      description = "Numbers of actions that are implemented (item 3 is done when all are).")
  List<Integer> actionDone;

  @Option(names = "--procedures-updated",
      description = "Item 4: the plan's new SHA-256 (sha256sum dr-plan.yaml) or the commit.")
  String proceduresUpdated;

  @Option(names = "--review-held", description = "Item 5: the team review was held (with"
      + " --attendees).")
  boolean reviewHeld;

  @Option(names = "--attendees", split = ",", description = "Who took part in the review.")
  List<String> attendees;

  @Override
  public Integer call() {
    Duration dueIn = null;
    if (due != null) {
      try {
        dueIn = Durations.parse(due);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--due " + due + ": " + e.getMessage() + " (e.g. 7d, 36h)");
      }
    }
    try (Temporal temporal = Temporal.connect(global)) {
      PostIncidentWorkflow wf = temporal.client().newWorkflowStub(PostIncidentWorkflow.class,
          PostIncidentWorkflow.ID_PREFIX + incident);
      Postmortem pm;
      boolean record = summary != null || rootCause != null || action != null || owner != null
          || due != null || actionDone != null || proceduresUpdated != null || reviewHeld
          || attendees != null;
      if (record) {
        pm = wf.record(new PostmortemEntry(by, summary, rootCause, action, owner, dueIn,
            actionDone, proceduresUpdated, reviewHeld ? Boolean.TRUE : null, attendees));
      } else {
        pm = wf.status();
      }
      print(pm, System.out);
      return ExitCodes.OK;
    }
  }

  static void print(Postmortem pm, PrintStream out) {
    out.println("post-mortem of " + pm.incidentId() + ": "
        + (pm.closed() ? "CLOSED at " + pm.closedAt() : "open"));
    for (PostmortemItem it : pm.items()) {
      out.printf("  [%s] %d. %-30s owner %-8s due %s%s%n", it.done() ? "x" : " ", it.number(),
          it.title(), it.owner(), it.due(), it.done() ? "  " + it.answer()
              : it.level() > 0 ? "  (reminded, level " + it.level() + ")" : "");
    }
    for (ActionItem a : pm.actions()) {
      out.printf("      action #%d [%s] %s (owner %s, due %s)%n", a.number(),
          a.done() ? "done" : "open", a.text(), a.owner(), a.due());
    }
  }
}
