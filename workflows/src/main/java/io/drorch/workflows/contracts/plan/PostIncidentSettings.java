package io.drorch.workflows.contracts.plan;

import java.time.Duration;

/**
 * The post-mortem after every recovery ({@code post-incident:} section): who owns its items, when
 * they are due and how people are reminded. Missing values: {@link PlanDefaults#postIncident}.
 *
 * @param owner who owns the items by default (an approver's name); null: the first approver of
 *     escalation level 1 (the incident commander)
 * @param due each item is due this long after the recovery ended
 * @param remindBefore the owner is reminded this long before an item is due
 * @param reminderInterval after an item is overdue: reminders this often, each one escalation
 *     level higher (like approvals)
 */
public record PostIncidentSettings(
    String owner, Duration due, Duration remindBefore, Duration reminderInterval) {}
