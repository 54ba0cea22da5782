package io.drorch.workflows.contracts.commands;

/**
 * Input of {@code BaseBackupWorkflow}: the operator's choices only (the database, the stanza and
 * the repository come from the worker's plan).
 *
 * @param type {@code full} or {@code diff} (null: diff; pgBackRest makes a full one when the stanza
 *     has none yet)
 * @param requestedBy who asked (a person, or the schedule)
 */
public record BaseBackupInput(String type, String requestedBy) {}
