package io.drorch.workflows.contracts.values;

import java.time.Instant;
import java.util.List;

/**
 * A lease on backups: the JSON object {@code PREFIX/leases/<holder>.json} written by a recovery
 * (or drill) when it has chosen its candidate backups and deleted when it ends. No retention sweep
 * deletes a backup an unexpired lease names; a lease whose holder crashed lapses at {@code
 * expiresAt}.
 *
 * @param holder the workflow id of the recovery or drill
 * @param backupIds the backups it may restore
 * @param purpose for people: what the holder does
 */
public record BackupLease(
    String holder, List<String> backupIds, Instant writtenAt, Instant expiresAt, String purpose) {}
