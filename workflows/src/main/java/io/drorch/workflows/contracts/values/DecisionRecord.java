package io.drorch.workflows.contracts.values;

import java.time.Instant;
import java.util.List;

/**
 * A decision taken: who, at which level (the level of the approver, not the request), what, when.
 * {@code approver} is "system" for automatic outcomes (abort after the last level, RTO breach).
 *
 * @param backupId the backup the request named (null: none)
 * @param copyFingerprint the restored copy the request named (null: none)
 * @param signedBy every approval that counted, with the key that signed it (one, or as many as
 *     the step needs approvers)
 * @param approvalsMissing 0 for a decision taken; above 0 when an Update recorded one approval of
 *     a step that needs more (the step is still pending)
 */
public record DecisionRecord(
    String step,
    String approver,
    int level,
    Verdict verdict,
    String comment,
    Instant at,
    String backupId,
    String copyFingerprint,
    List<SignedBy> signedBy,
    int approvalsMissing) {}
