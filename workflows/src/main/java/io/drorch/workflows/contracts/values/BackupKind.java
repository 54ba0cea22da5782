package io.drorch.workflows.contracts.values;

/** What a backup holds. {@link #folder()} is its folder under the storage prefix. */
public enum BackupKind {
  DATABASE("database", "db"),
  FILES("files", "files"),
  /**
   * A pgBackRest base backup (point-in-time recovery): the data lives in pgBackRest's repository
   * ({@code PREFIX/pgbackrest}); ours is a small record of it ({@code .pgbackrest.json}).
   */
  BASE("base", "base");

  private final String folder;
  private final String idPrefix;

  BackupKind(String folder, String idPrefix) {
    this.folder = folder;
    this.idPrefix = idPrefix;
  }

  public String folder() {
    return folder;
  }

  public String idPrefix() {
    return idPrefix;
  }
}
