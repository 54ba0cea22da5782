package io.drorch.workflows.contracts.values;

import java.util.List;
import java.util.Map;

/**
 * @param problems empty when every check passed; each says what differs
 * @param stepMillis where the check's time went, by step ({@code counts}, {@code sql-checks},
 *     {@code flyway-validate}); null from workers older than this field
 */
public record IntegrityResult(
    boolean ok, List<String> problems, Map<String, Long> rowCounts, int checksRun,
    Map<String, Long> stepMillis) {

  public IntegrityResult(boolean ok, List<String> problems, Map<String, Long> rowCounts,
      int checksRun) {
    this(ok, problems, rowCounts, checksRun, null);
  }
}
