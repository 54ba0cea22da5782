package io.drorch.workflows.contracts.values;

/**
 * One table of a restore test: rows the manifest states vs rows found in the restored copy.
 *
 * @param manifest null when the restored copy has a table the manifest does not name
 * @param restored null when the table is missing from the restored copy
 */
public record TableRows(String table, Long manifest, Long restored) {
  public boolean matches() {
    return manifest != null && manifest.equals(restored);
  }
}
