package io.drorch.workflows.contracts.plan;

/** Whether decisions must be signed (plan key {@code approvals.signatures}). */
public enum SignatureMode {
  /** Every decision carries an SSHSIG signature by a key of its approver (the default). */
  REQUIRED,
  /**
   * A signature is verified when present; an unsigned decision is taken on the approver's word
   * (for a plan whose approvers have no keys yet; never for production).
   */
  OPTIONAL
}
