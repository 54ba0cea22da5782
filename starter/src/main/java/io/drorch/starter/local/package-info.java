/**
 * The embedded local stack used by the demo and by every integration test: no Docker, works as
 * root (CI) and as a normal user.
 *
 * <ul>
 *   <li>{@link io.drorch.starter.local.LocalPostgres}: a throwaway cluster from the machine's
 *       PostgreSQL binaries ({@code pg_config --bindir} or {@code DR_PG_BINDIR}); as root through
 *       {@code runuser -u postgres}, with the cluster under {@code /tmp/drorch-pgdata-*} (symlinked
 *       from {@code dir/pgdata}) when the postgres user cannot reach {@code dir}.</li>
 *   <li>{@link io.drorch.starter.local.LocalS3}: S3Proxy 4.1.0 in a child JVM with the same class
 *       path; {@code filesystem} backend by default (persistent, no versioning), {@code transient}
 *       (in memory, versioning) with {@code DR_S3_BACKEND=transient}.</li>
 *   <li>{@link io.drorch.starter.local.LocalTemporal}: {@code temporal server start-dev} when the
 *       CLI is found ({@code DR_TEMPORAL_CLI}, PATH, {@code ~/go/bin/temporal};
 *       {@code DR_TEMPORAL_CLI=none} forces the fallback), else the Java test server in-process.</li>
 *   <li>{@link io.drorch.starter.local.SampleApplication}: the "AI Docs Assistant" database
 *       ({@code sample/db/migration}, pending {@code sample/db/pending}) and uploads tree.</li>
 * </ul>
 * Every part registers a JVM shutdown hook and writes its log into its directory
 * ({@code pgdata/server.log}, {@code s3proxy.log}, {@code temporal.log}).
 */
package io.drorch.starter.local;
