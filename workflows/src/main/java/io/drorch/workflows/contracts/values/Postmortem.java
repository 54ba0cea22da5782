package io.drorch.workflows.contracts.values;

import java.time.Instant;
import java.util.List;

/**
 * The post-mortem of an incident: its five items, the preventive actions, and whether it is
 * closed (every item done). Carried in the re-rendered incident report.
 *
 * @param closedAt null while open
 * @param attendees who attended the team review (empty until it is held)
 */
public record Postmortem(
    String incidentId,
    List<PostmortemItem> items,
    List<ActionItem> actions,
    List<String> attendees,
    Instant openedAt,
    Instant closedAt) {

  public boolean closed() {
    return closedAt != null;
  }
}
