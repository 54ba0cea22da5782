package io.drorch.workflows.contracts.values;

/**
 * @param key the marker's object key
 * @param written true when this call wrote it; false when a marker was already there (it is never
 *     overwritten) — then {@code stored} is that earlier verdict, which stands
 * @param stored the verdict the marker holds now
 */
public record WriteRestoreVerdictResult(String key, boolean written, RestoreVerdict stored) {}
