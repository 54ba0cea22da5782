package io.drorch.workflows.contracts.commands;

import java.time.Instant;

/**
 * Open the post-mortem of an incident (workflow {@code postincident-<INC>}), started by the
 * recovery when it ends. Owners, due dates and reminders come from the worker's plan.
 *
 * @param recoveryEndedAt due dates count from here
 * @param reportJsonKey the recovery report's JSON in S3 (null: none was stored); re-rendered with
 *     the answers when the post-mortem closes
 */
public record PostIncidentInput(String incidentId, Instant recoveryEndedAt, String reportJsonKey) {}
