package io.drorch.workflows.contracts.values;

/** What a backup holds. {@link #folder()} is its folder under the storage prefix. */
public enum BackupKind {
  DATABASE("database", "db"),
  FILES("files", "files");

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
