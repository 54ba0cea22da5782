package io.drorch.activities.postgres;

import io.drorch.activities.storage.S3Clients;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.DumpDatabaseInput;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.values.DumpDatabaseResult;
import io.drorch.workflows.postgres.PostgresActivities;
import io.temporal.activity.Activity;
import java.util.Objects;

/**
 * PostgreSQL activities of the worker. Passwords come from {@link DatabaseCredentials}, tools from
 * {@link PgTools}; nothing secret is logged or returned.
 */
public final class PostgresActivitiesImpl implements PostgresActivities {
  private final DatabaseCredentials credentials;
  private final S3Clients s3;
  private final PgTools tools;

  public PostgresActivitiesImpl(DatabaseCredentials credentials, S3Clients s3) {
    this(credentials, s3, PgTools.fromEnvironment());
  }

  PostgresActivitiesImpl(DatabaseCredentials credentials, S3Clients s3, PgTools tools) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.tools = Objects.requireNonNull(tools, "tools");
  }

  /**
   * Idempotent in effect: every attempt writes a new key ({@code .attemptN.dump}), a failed one
   * aborts its multipart upload, and only the key a manifest names is ever a backup.
   */
  @Override
  public DumpDatabaseResult dumpToStorage(DumpDatabaseInput input) {
    validate(input);
    DumpCompression compression = DumpCompression.of(input.database().compression());
    var ctx = Activity.getExecutionContext();
    DumpToStorage run =
        new DumpToStorage(input, compression, tools, credentials.password(input.database()),
            s3.store(input.storage()), ctx);
    return run.execute();
  }

  private static void validate(DumpDatabaseInput input) {
    if (input == null || input.database() == null || input.storage() == null
        || input.backupId() == null || input.backupId().isBlank()) {
      throw DrError.BAD_INPUT.failure(
          "dumpToStorage needs a backupId, a database and a storage section");
    }
    DatabaseTarget db = input.database();
    if (db.host() == null || db.host().isBlank() || db.name() == null || db.name().isBlank()
        || db.port() <= 0 || db.port() > 65535) {
      throw DrError.BAD_INPUT.failure(
          "database.host, database.port (1-65535) and database.name must be set in dr-plan.yaml"
              + " (got host=" + db.host() + ", port=" + db.port() + ", name=" + db.name() + ")");
    }
    // pg_dump -d treats a value with '=' or a URI prefix as a connection string: refuse them
    String n = db.name();
    if (n.contains("=") || n.startsWith("postgres://") || n.startsWith("postgresql://")) {
      throw DrError.BAD_INPUT.failure(
          "database.name must be a plain database name, not a connection string: '" + n + "'");
    }
    if (input.storage().bucket() == null || input.storage().bucket().isBlank()) {
      throw DrError.BAD_INPUT.failure("storage.bucket must be set in dr-plan.yaml");
    }
  }
}
