package io.drorch.workflows.contracts.plan;

import java.util.List;
import java.util.Map;

/**
 * Who may decide, and how it is proven (plan section {@code approvals}).
 *
 * @param signatures whether every decision must be signed (default REQUIRED)
 * @param allowedSigners the allowed_signers file as written in the plan (relative to the plan file)
 * @param allowedSignersSha256 SHA-256 of that file's bytes, for the audit trail
 * @param signers its lines: each approver's public keys
 * @param requesterMayApprove false (the default): whoever started a recovery may not approve its
 *     steps (four eyes); they may still REJECT or ABORT
 * @param minApprovers step name → distinct approvers its APPROVE needs, e.g. {@code
 *     database-swap: 2}; a step not named needs one
 */
public record ApprovalSettings(
    SignatureMode signatures,
    String allowedSigners,
    String allowedSignersSha256,
    List<AllowedSigner> signers,
    boolean requesterMayApprove,
    Map<String, Integer> minApprovers) {
  public boolean signaturesRequired() {
    return signatures != SignatureMode.OPTIONAL;
  }

  /** Distinct approvers an APPROVE of {@code step} needs (at least 1). */
  public int approversFor(String step) {
    Integer n = minApprovers == null ? null : minApprovers.get(step);
    return n == null || n < 1 ? 1 : n;
  }
}
