package io.drorch.workflows.contracts.values;

/**
 * How old the newest recoverable data of one kind is, against its limit.
 *
 * @param kind {@code wal} (the newest archived WAL, with PITR), {@code database} (the newest
 *     valid database backup, logical or base) or {@code files} (the newest valid file backup)
 * @param ageSeconds seconds of data at risk; null: nothing found (a breach)
 * @param limitSeconds the RPO this kind is held to
 * @param newest what the age is measured from (a WAL segment, a backup id), or null
 * @param detail more for people: archive failures, the limit's origin
 */
public record RpoAge(String kind, Long ageSeconds, long limitSeconds, String newest,
    String detail) {
  public static final String WAL = "wal";
  public static final String DATABASE = "database";
  public static final String FILES = "files";

  /** Older than the limit, or nothing there at all. */
  public boolean breached() {
    return ageSeconds == null || ageSeconds > limitSeconds;
  }
}
