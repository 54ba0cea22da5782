package io.drorch.workflows.contracts.plan;

import java.time.Duration;
import java.util.List;

/** One level of the plan's escalation chain (1 = infrastructure team … 4 = CEO). */
public record EscalationLevel(
    int level, String name, List<String> approvers, List<String> contacts, Duration timeout) {}
