package io.drorch.workflows.contracts.commands;

import java.time.Duration;
import java.util.List;

/**
 * One {@code dr postmortem INC …} call (an Update, validated): any of the fields; each one set
 * records its item.
 *
 * @param by who records it (an approver of the plan)
 * @param summary item 1, "Document the incident": what happened, in a few sentences
 * @param rootCause item 2, "Analyze root cause"
 * @param action a preventive measure to add (item 3): its text; needs {@code owner} and {@code due}
 * @param actionOwner who implements {@code action} (an approver of the plan)
 * @param actionDue due this long from now
 * @param actionDone numbers of actions that are implemented (item 3 is done when every recorded
 *     action is)
 * @param proceduresUpdated item 4, "Update recovery procedures": the plan's new SHA-256 or the
 *     commit that changed it
 * @param reviewHeld item 5, "Conduct team review": true with {@code attendees}
 */
public record PostmortemEntry(
    String by,
    String summary,
    String rootCause,
    String action,
    String actionOwner,
    Duration actionDue,
    List<Integer> actionDone,
    String proceduresUpdated,
    Boolean reviewHeld,
    List<String> attendees) {}
