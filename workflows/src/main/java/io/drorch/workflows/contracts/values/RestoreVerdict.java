package io.drorch.workflows.contracts.values;

import java.time.Instant;
import java.util.List;

/**
 * The restore-verification marker of one backup: stored as JSON beside it ({@code
 * <backup-id>.verified.json}, see {@code BackupKeys.verifiedKey}), written once and never
 * overwritten. It says whether the backup was proven restorable by restoring it into a scratch
 * target and comparing the result with the manifest, when, by which workflow, what was compared
 * and how long it took.
 *
 * @param reason null when verified; otherwise what failed, in a sentence or two
 * @param scratchTarget the scratch database or directory it was restored into (never a live one)
 * @param compared what was compared, for people: "row counts of 6 tables against the manifest"
 * @param tables databases: every table, manifest vs restored rows (empty for files)
 * @param files files: what the listing check covered (null for databases)
 * @param problems the first differences found (empty when verified)
 */
public record RestoreVerdict(
    int formatVersion,
    String backupId,
    BackupKind kind,
    RestoreTestOutcome outcome,
    String reason,
    Instant startedAt,
    Instant finishedAt,
    long durationMillis,
    String workflowId,
    String scratchTarget,
    String compared,
    List<TableRows> tables,
    FilesCompared files,
    List<String> problems) {

  public static final int FORMAT_VERSION = 1;

  public boolean verified() {
    return outcome == RestoreTestOutcome.VERIFIED_BY_RESTORE;
  }

  /** The short form the backup catalog carries. */
  public RestoreVerification summary() {
    return new RestoreVerification(outcome, finishedAt, workflowId, reason);
  }
}
