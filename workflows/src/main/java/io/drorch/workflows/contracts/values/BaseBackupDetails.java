package io.drorch.workflows.contracts.values;

import java.time.Instant;

/**
 * A pgBackRest base backup as {@code pgbackrest info} describes it. With the archived WAL after
 * {@code walStop} it restores the cluster to any moment from {@code stoppedAt} on.
 *
 * @param stanza the pgBackRest stanza
 * @param label pgBackRest's backup label, e.g. {@code 20261126-010000F} (full) or
 *     {@code 20261126-010000F_20261127-010000D} (differential)
 * @param type {@code full} or {@code diff}
 * @param reference the label of the backup a differential one depends on (null for full)
 * @param walStart the first WAL segment the backup needs
 * @param walStop the last WAL segment the backup needs (consistent from here on)
 * @param startedAt pgBackRest's start time of the backup
 * @param stoppedAt pgBackRest's stop time (the earliest point a recovery can target with it)
 * @param databaseBytes the cluster's size
 * @param repositoryBytes what the backup takes in the repository (compressed, this backup only)
 * @param repository where it is, e.g. {@code s3://bucket/PREFIX/pgbackrest}
 */
public record BaseBackupDetails(
    String stanza,
    String label,
    String type,
    String reference,
    String walStart,
    String walStop,
    Instant startedAt,
    Instant stoppedAt,
    long databaseBytes,
    long repositoryBytes,
    String repository) {}
