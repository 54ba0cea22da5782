/**
 * The embedded local stack ({@code dr-local-stack}): real PostgreSQL, S3 and Temporal servers on
 * 127.0.0.1 for the {@code dr demo}, the {@code dr bench} and the tests of every module that needs
 * them. No Docker; works as root (CI) and as a normal user. Depends on {@code dr-workflows} only
 * (for the search attributes), never on the activities, the worker or the CLI.
 *
 * <ul>
 *   <li>{@link io.drorch.local.LocalPostgres}: a throwaway cluster from the machine's
 *       PostgreSQL binaries ({@code pg_config --bindir} or {@code DR_PG_BINDIR}); as root through
 *       {@code runuser -u postgres}, with the cluster under {@code /tmp/drorch-pgdata-*} (symlinked
 *       from {@code dir/pgdata}) when the postgres user cannot reach {@code dir}.</li>
 *   <li>{@link io.drorch.local.LocalS3}: S3Proxy 4.1.0 in a child JVM with the same class
 *       path; {@code filesystem} backend by default (persistent, no versioning), {@code transient}
 *       (in memory, versioning) with {@code DR_S3_BACKEND=transient}.</li>
 *   <li>{@link io.drorch.local.LocalMoto}: moto's {@code moto_server} (PyPI, installed by
 *       {@code scripts/ensure-tools.sh}), in memory, for the tests of bucket versioning, lifecycle
 *       rules and Object Lock, which S3Proxy's filesystem backend does not implement.</li>
 *   <li>{@link io.drorch.local.LocalTemporal}: {@code temporal server start-dev} when the
 *       CLI is found ({@code DR_TEMPORAL_CLI}, PATH, {@code ~/go/bin/temporal};
 *       {@code DR_TEMPORAL_CLI=none} forces the fallback), else the Java test server in-process.</li>
 *   <li>{@link io.drorch.local.SampleApplication}: the "AI Docs Assistant" database
 *       ({@code sample/db/migration}, pending {@code sample/db/pending}) and uploads tree.</li>
 * </ul>
 * Every part registers a JVM shutdown hook and writes its log into its directory
 * ({@code pgdata/server.log}, {@code s3proxy.log}, {@code temporal.log}).
 *
 * <p>Users: starter (compile scope: {@code dr demo}, {@code dr bench}, and its end-to-end tests
 * with a worker) and activities (test scope: the activity tests against PostgreSQL and S3).
 */
package io.drorch.local;
