package io.drorch.workflows.contracts.plan;

import java.time.Duration;
import java.util.Map;

/**
 * Point-in-time recovery of the database with pgBackRest ({@code database.pitr}): physical base
 * backups plus continuous WAL archiving into the plan's bucket under {@code PREFIX/pgbackrest}.
 * The S3 keys never appear here: {@code dr pitr setup} writes them from the worker's AWS
 * credentials into the pgBackRest configuration file (mode 600, owned by {@link #osUser()}).
 *
 * @param stanza pgBackRest's name for this cluster (default: the application name)
 * @param dataDirectory the cluster's data directory ({@code pg1-path})
 * @param socketDirectory the server's Unix socket directory ({@code pg1-socket-path})
 * @param osUser the OS user that owns the cluster; pgBackRest runs as this user (also
 *     {@code pg1-user}, peer/trust authentication over the socket)
 * @param repoEndpoint the HTTPS endpoint pgBackRest uses (its S3 driver speaks only HTTPS);
 *     null: {@code storage.endpoint}, or AWS S3 when that is null too
 * @param repoOptions further {@code repo1-*} options without the prefix, e.g.
 *     {@code storage-ca-file}, {@code s3-uri-style}, {@code storage-verify-tls}
 * @param fullRetentionDays full backups are kept this many days (pgBackRest's time-based
 *     retention, {@code repo1-retention-full-type=time}); older ones expire with their WAL
 * @param fullBackup cron of the weekly full backup
 * @param diffBackup cron of the daily differential backup
 * @param archiveTimeoutMax the largest {@code archive_timeout} setup accepts (the RPO of an idle
 *     server)
 * @param configFile where the pgBackRest configuration is written (readable by {@link #osUser()})
 */
public record PitrSettings(
    String stanza,
    String dataDirectory,
    String socketDirectory,
    String osUser,
    String repoEndpoint,
    Map<String, String> repoOptions,
    int fullRetentionDays,
    String fullBackup,
    String diffBackup,
    Duration archiveTimeoutMax,
    String configFile) {}
