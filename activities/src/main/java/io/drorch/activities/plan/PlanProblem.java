package io.drorch.activities.plan;

/**
 * One thing wrong (or worth a warning) in a plan file.
 *
 * @param path where, in the file's own spelling: {@code storage.retention-days},
 *     {@code escalation[2].timeout}; empty for the file as a whole
 * @param value what was found there, as text; null when nothing was (a missing key) or when it
 *     must not be echoed (a secret)
 * @param problem what is wrong and, where it helps, how to fix it
 */
public record PlanProblem(String path, String value, String problem) {

  /** {@code path: problem (got: value)}, the line shown to people. */
  @Override
  public String toString() {
    String where = path == null || path.isEmpty() ? "(file)" : path;
    return where + ": " + problem + (value == null ? "" : " (got: " + value + ")");
  }
}
