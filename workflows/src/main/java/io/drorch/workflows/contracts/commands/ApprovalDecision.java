package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.values.Verdict;

/**
 * A decision as people send it — by {@code dr approve}, a Workflow Update, or a Signal from the
 * Temporal CLI or Web UI, all with this JSON ({@code dr approve --print} prints it):
 *
 * <pre>{@code
 * {"approver":"alice","verdict":"APPROVE","step":"database-swap","comment":"checked",
 *  "run":"<run id>","backup":"db-20261201T020000Z-3f9a1c","copy":"<fingerprint>",
 *  "signedAt":"2026-12-01T10:00:00Z","expiresAt":"2026-12-01T11:00:00Z",
 *  "signature":"-----BEGIN SSH SIGNATURE-----\n…\n-----END SSH SIGNATURE-----\n"}
 * }</pre>
 *
 * The signature is {@code ssh-keygen -Y sign -n dr-approval} over the canonical decision text
 * (see {@code io.drorch.workflows.approval.DecisionText}) built from these fields and the
 * recovery's incident and workflow id.
 *
 * @param step which pending decision it answers; may be omitted when only one is pending (not
 *     when signed: the step is part of what is signed)
 * @param run the run id of the recovery workflow the decision is for
 * @param backup the backup id the pending request names (null or "-": none)
 * @param copy the fingerprint of the restored copy the pending request names (null or "-": none)
 * @param signedAt UTC, seconds: {@code 2026-12-01T10:00:00Z}
 * @param expiresAt UTC, seconds; the decision is refused from then on
 * @param signature the armored SSHSIG ({@code -----BEGIN SSH SIGNATURE-----} …)
 */
public record ApprovalDecision(
    String approver,
    Verdict verdict,
    String step,
    String comment,
    String run,
    String backup,
    String copy,
    String signedAt,
    String expiresAt,
    String signature) {

  /** An unsigned decision (plans with {@code signatures: optional}, and the tests of refusals). */
  public static ApprovalDecision unsigned(String approver, Verdict verdict, String step,
      String comment) {
    return new ApprovalDecision(approver, verdict, step, comment, null, null, null, null, null,
        null);
  }

  public boolean signed() {
    return signature != null && !signature.isBlank();
  }
}
