package io.drorch.workflows.approval;

import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.values.Verdict;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The canonical text of a decision: what an approver signs with {@code ssh-keygen -Y sign -n
 * dr-approval}, and what the gate rebuilds to verify it. UTF-8, {@code \n} after every line
 * (the last one too), exactly these lines in this order; an absent value is {@code -}:
 *
 * <pre>
 * dr-approval-v1
 * incident: INC-42
 * workflow: recovery-INC-42
 * run: 6f1c0b9e-…            (the recovery workflow's run id)
 * step: database-swap
 * backup: db-20261201T020000Z-3f9a1c
 * copy: 9b0e…                (the restored copy's fingerprint)
 * verdict: APPROVE
 * approver: alice
 * comment: checked the restored copy
 * signed-at: 2026-12-01T10:00:00Z
 * expires-at: 2026-12-01T11:00:00Z
 * </pre>
 *
 * Times are UTC with whole seconds. No value may hold a line break.
 */
public final class DecisionText {
  public static final String VERSION = "dr-approval-v1";
  private static final Pattern UTC_SECONDS =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");

  private DecisionText() {}

  /** The text to sign for {@code d} in the recovery {@code workflowId} of {@code incident}. */
  public static String of(String incident, String workflowId, String step, ApprovalDecision d) {
    return canonical(incident, workflowId, d.run(), step, d.backup(), d.copy(), d.verdict(),
        d.approver(), d.comment(), d.signedAt(), d.expiresAt());
  }

  public static String canonical(String incident, String workflowId, String run, String step,
      String backup, String copy, Verdict verdict, String approver, String comment,
      String signedAt, String expiresAt) {
    return VERSION + "\n"
        + "incident: " + dash(incident) + "\n"
        + "workflow: " + dash(workflowId) + "\n"
        + "run: " + dash(run) + "\n"
        + "step: " + dash(step) + "\n"
        + "backup: " + dash(backup) + "\n"
        + "copy: " + dash(copy) + "\n"
        + "verdict: " + (verdict == null ? "-" : verdict.name()) + "\n"
        + "approver: " + dash(approver) + "\n"
        + "comment: " + dash(comment) + "\n"
        + "signed-at: " + dash(signedAt) + "\n"
        + "expires-at: " + dash(expiresAt) + "\n";
  }

  /** The value as the text shows it: {@code -} for null, blank or {@code -}. */
  public static String dash(String value) {
    return value == null || value.isBlank() ? "-" : value.strip();
  }

  /** Null, blank and {@code -} all mean "none". */
  public static String none(String value) {
    return value == null || value.isBlank() || value.strip().equals("-") ? null : value.strip();
  }

  /** A time in the text's format ({@code 2026-12-01T10:00:00Z}). */
  public static String format(Instant t) {
    return Instant.ofEpochSecond(t.getEpochSecond()).toString();
  }

  /** Parses a time in the text's format; null when it is not one. */
  public static Instant parse(String text) {
    if (text == null || !UTC_SECONDS.matcher(text.strip()).matches()) {
      return null;
    }
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The name of the first field of {@code d} holding a line break, or null. */
  public static String multiLineField(ApprovalDecision d) {
    String[][] fields = {{"approver", d.approver()}, {"step", d.step()},
        {"comment", d.comment()}, {"run", d.run()}, {"backup", d.backup()}, {"copy", d.copy()},
        {"signedAt", d.signedAt()}, {"expiresAt", d.expiresAt()}};
    for (String[] f : fields) {
      if (f[1] != null && (f[1].indexOf('\n') >= 0 || f[1].indexOf('\r') >= 0)) {
        return f[0];
      }
    }
    return null;
  }
}
