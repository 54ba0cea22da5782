package io.drorch.workflows.contracts.values;

import java.util.List;

/**
 * What {@code dr pitr setup|status} found.
 *
 * @param stanza the pgBackRest stanza
 * @param repository where the repository lives, e.g. {@code s3://bucket/PREFIX/pgbackrest}
 * @param configFile the pgBackRest configuration file
 * @param checks every check in order
 * @param backups the stanza's base backups as pgBackRest lists them (label, type, WAL range)
 * @param archiveMin the oldest WAL segment in the archive (null: none)
 * @param archiveMax the newest WAL segment in the archive (null: none)
 */
public record PitrStatus(
    String stanza,
    String repository,
    String configFile,
    List<PitrCheck> checks,
    List<String> backups,
    String archiveMin,
    String archiveMax) {

  public boolean ok() {
    return checks.stream().allMatch(PitrCheck::ok);
  }
}
