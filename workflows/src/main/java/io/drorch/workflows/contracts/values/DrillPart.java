package io.drorch.workflows.contracts.values;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One kind of data a drill restored into scratch.
 *
 * @param backupId the newest valid backup of the kind when the drill started; null when there was
 *     none
 * @param backupTakenAt when that backup started (the age of the data: the achieved RPO)
 * @param scratch the scratch database or directory it was restored into (never a live one)
 * @param passed restored, compared with its manifest, migrated and integrity-checked without problems
 * @param restoredAndVerifiedIn from the drill's start until this part was restored and verified
 * @param rpoAchieved the data's age at the drill's start
 * @param details what was done, for people (row counts, migrations, checks)
 * @param problems why it failed (empty when passed)
 */
public record DrillPart(
    BackupKind kind,
    String backupId,
    Instant backupTakenAt,
    String scratch,
    boolean passed,
    Duration restoredAndVerifiedIn,
    Duration rpoAchieved,
    List<String> details,
    List<String> problems) {}
