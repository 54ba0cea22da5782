package io.drorch.workflows.contracts.plan;

/**
 * S3 Object Lock retention modes. GOVERNANCE: users with {@code s3:BypassGovernanceRetention} can
 * still delete or shorten it (this tool never does); COMPLIANCE: nobody can, not even the root
 * account, until the retain-until date.
 */
public enum ObjectLockMode {
  GOVERNANCE,
  COMPLIANCE
}
