package io.drorch.workflows.recovery;

import java.util.Locale;

/** Names derived from an incident: restored databases, kept copies, staging directories. */
public final class Names {
  private Names() {}

  /** e.g. ai_docs + _restore_ + INC-42 → ai_docs_restore_inc_42 (a valid identifier, ≤ 63). */
  public static String database(String base, String infix, String incidentId) {
    String tail = infix + incidentId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    String head = base.length() + tail.length() > 63 ? base.substring(0, 63 - tail.length()) : base;
    return head + tail;
  }

  /** e.g. /app/uploads + .restore- + INC-42 → /app/uploads.restore-INC-42 (same file system). */
  public static String directory(String base, String infix, String incidentId) {
    return base.replaceAll("/+$", "") + infix + incidentId;
  }

  public static String workflowId(String incidentId) {
    return "recovery-" + incidentId;
  }
}
