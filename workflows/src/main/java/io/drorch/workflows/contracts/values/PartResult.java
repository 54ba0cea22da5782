package io.drorch.workflows.contracts.values;

import java.util.List;

/**
 * What one child recovery did.
 *
 * @param backup the backup restored (null for the application)
 * @param kept where the previous database or directory was kept (null when there was none)
 * @param details human-readable facts for the report (migrations applied, files verified, …)
 */
public record PartResult(
    RecoveryScope part, Outcome outcome, BackupUsed backup, String kept, List<String> details) {}
