package io.drorch.workflows.contracts.commands;

/** A manual escalation of every pending decision by one level. */
public record EscalateRequest(String by, String reason) {}
