package io.drorch.workflows.contracts.plan;

/** A notification channel: {@code log}, or {@code webhook} with its URL. */
public record NotificationChannel(String type, String url) {}
