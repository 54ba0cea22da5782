package io.drorch.activities.postgres;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the worker gets a database password. Passwords never enter activity inputs, results or
 * logs: they reach {@code pg_dump}/{@code pg_restore} as the child's {@code PGPASSWORD} and JDBC as
 * the {@code password} property. When there is none, both fall back to {@code ~/.pgpass} (or
 * {@code PGPASSFILE}) by themselves: libpq always, pgjdbc since 42.3.
 */
public interface DatabaseCredentials {

  /** The password for this database, or empty to leave it to {@code .pgpass}. */
  Optional<String> password(DatabaseTarget db);

  /** {@code PGPASSWORD} of the worker process (read on every call), else {@code .pgpass}. */
  static DatabaseCredentials fromEnvironment() {
    return new DatabaseCredentials() {
      @Override
      public Optional<String> password(DatabaseTarget db) {
        return Optional.ofNullable(System.getenv("PGPASSWORD")).filter(p -> !p.isEmpty());
      }

      @Override
      public String toString() {
        return "DatabaseCredentials.fromEnvironment(PGPASSWORD or .pgpass)";
      }
    };
  }

  /** One password for every database (the local stack). */
  static DatabaseCredentials fixed(String password) {
    Objects.requireNonNull(password, "password");
    return new DatabaseCredentials() {
      @Override
      public Optional<String> password(DatabaseTarget db) {
        return Optional.of(password);
      }

      @Override
      public String toString() {
        return "DatabaseCredentials.fixed(****)";
      }
    };
  }
}
