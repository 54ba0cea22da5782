package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.values.BackupKind;
import java.time.Instant;
import java.util.List;

/**
 * Remove the scratch targets of drill {@code drillId} at {@code keepUntil} (or when told to now):
 * workflow {@code <drill-id>-cleanup}. The scratch names are derived again from the worker's plan
 * and the drill id, never taken from here.
 */
public record DrillCleanupInput(String drillId, List<BackupKind> kinds, Instant keepUntil) {}
