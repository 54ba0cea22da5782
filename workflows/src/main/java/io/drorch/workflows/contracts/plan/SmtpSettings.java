package io.drorch.workflows.contracts.plan;

/**
 * The SMTP server of an {@code email} channel. No password here: the worker takes it from its
 * environment ({@code DR_SMTP_PASSWORD}), so it never enters Temporal history.
 *
 * @param from the sender, {@code dr@example.com} or {@code DR Orchestrator <dr@example.com>}
 * @param startTls upgrade with STARTTLS and refuse to send when the server cannot (the default);
 *     false only for a relay on the same host or network that speaks plain SMTP
 * @param username SMTP AUTH user name, or null for a server that needs no authentication
 */
public record SmtpSettings(String host, int port, String from, boolean startTls, String username) {}
