package io.drorch.workflows.contracts.plan;

/**
 * The application's PostgreSQL database. No password here: the worker takes it from its own
 * environment ({@code PGPASSWORD} or {@code ~/.pgpass}), so it never enters Temporal history.
 *
 * @param migrations Flyway location of the application's migrations, e.g. {@code filesystem:db/migration}
 *     (may be null when the application has none)
 * @param compression how the dump is compressed: {@code gzip} ({@code pg_dump -Fc}, the default) or
 *     {@code zstd} ({@code pg_dump -Fc -Z0 | zstd -T0}, restorable with {@code zstd -dc | pg_restore})
 * @param pitr point-in-time recovery with pgBackRest; null when the plan has none
 */
public record DatabaseTarget(
    String host, int port, String name, String user, String migrations, String compression,
    PitrSettings pitr) {

  /** A database without point-in-time recovery. */
  public DatabaseTarget(
      String host, int port, String name, String user, String migrations, String compression) {
    this(host, port, name, user, migrations, compression, null);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + name;
  }

  /** The same database with another Flyway location. */
  public DatabaseTarget withMigrations(String location) {
    return new DatabaseTarget(host, port, name, user, location, compression, pitr);
  }

  /** The same server, another database on it. */
  public DatabaseTarget withName(String otherName) {
    return new DatabaseTarget(host, port, otherName, user, migrations, compression, pitr);
  }

  /** The same database with other point-in-time recovery settings (null: none). */
  public DatabaseTarget withPitr(PitrSettings settings) {
    return new DatabaseTarget(host, port, name, user, migrations, compression, settings);
  }
}
