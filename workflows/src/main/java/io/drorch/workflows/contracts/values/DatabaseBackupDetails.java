package io.drorch.workflows.contracts.values;

import java.util.Map;

/**
 * What a database backup holds. Row counts are exact and taken in the same snapshot as the dump.
 *
 * @param flywayVersion the applied Flyway schema version, or null when the database has no Flyway
 *     history table
 */
public record DatabaseBackupDetails(
    String database,
    String host,
    String serverVersion,
    String pgDumpVersion,
    String flywayVersion,
    Map<String, Long> rowCounts) {}
