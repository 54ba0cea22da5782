package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.DatabaseTarget;
import java.util.List;
import java.util.Map;

/**
 * @param expectedRowCounts from the backup's manifest ("schema.table" → rows)
 * @param migrations Flyway location to validate against (null: skip)
 * @param sqlChecks queries that must each return one row with a single true
 * @param jobs connections counting rows in parallel (the plan's {@code recovery.restore-jobs});
 *     null or less than 1: one
 */
public record VerifyIntegrityInput(
    DatabaseTarget database,
    Map<String, Long> expectedRowCounts,
    String migrations,
    List<String> sqlChecks,
    Integer jobs,
    Boolean closeAfter) {

  public VerifyIntegrityInput(DatabaseTarget database, Map<String, Long> expectedRowCounts,
      String migrations, List<String> sqlChecks, Integer jobs) {
    this(database, expectedRowCounts, migrations, sqlChecks, jobs, null);
  }

  public VerifyIntegrityInput(DatabaseTarget database, Map<String, Long> expectedRowCounts,
      String migrations, List<String> sqlChecks) {
    this(database, expectedRowCounts, migrations, sqlChecks, null);
  }
}
