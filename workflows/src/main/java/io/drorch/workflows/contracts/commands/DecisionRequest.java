package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.values.DecisionKind;
import java.time.Instant;

/**
 * A child recovery asks its parent for a decision.
 *
 * @param step unique within the recovery, e.g. {@code database-swap}, {@code files-restore-failed-2}
 * @param fromWorkflowId the child whose doorbell rings once it is decided
 * @param backupId the backup the decision is about (null: none)
 * @param copyFingerprint the fingerprint of the restored copy it would put in place (null: none)
 * @param copyMadeAt when that copy was verified and fingerprinted: an approval signed before it
 *     cannot be about it
 */
public record DecisionRequest(
    String step,
    DecisionKind kind,
    String description,
    String fromWorkflowId,
    String backupId,
    String copyFingerprint,
    Instant copyMadeAt) {}
