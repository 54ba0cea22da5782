package io.drorch.workflows.contracts.plan;

/**
 * The application's PostgreSQL database. No password here: the worker takes it from its own
 * environment ({@code PGPASSWORD} or {@code ~/.pgpass}), so it never enters Temporal history.
 *
 * @param migrations Flyway location of the application's migrations, e.g. {@code filesystem:db/migration}
 *     (may be null when the application has none)
 * @param compression how the dump is compressed: {@code gzip} ({@code pg_dump -Fc}, the default) or
 *     {@code zstd} ({@code pg_dump -Fc -Z0 | zstd -T0}, restorable with {@code zstd -dc | pg_restore})
 */
public record DatabaseTarget(
    String host, int port, String name, String user, String migrations, String compression) {

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + name;
  }

  /** The same database with another Flyway location. */
  public DatabaseTarget withMigrations(String location) {
    return new DatabaseTarget(host, port, name, user, location, compression);
  }

  /** The same server, another database on it. */
  public DatabaseTarget withName(String otherName) {
    return new DatabaseTarget(host, port, otherName, user, migrations, compression);
  }
}
