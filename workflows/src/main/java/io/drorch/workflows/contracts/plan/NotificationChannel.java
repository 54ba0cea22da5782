package io.drorch.workflows.contracts.plan;

/**
 * A notification channel: {@code log}; {@code webhook} (POST JSON with a human {@code text} field)
 * or {@code slack} (a Slack incoming webhook: {@code {"text": …}}) with its URL, whose path is a
 * secret and never shown; {@code email} with its SMTP server.
 *
 * @param url webhook and slack channels only
 * @param smtp email channels only
 */
public record NotificationChannel(String type, String url, SmtpSettings smtp) {

  /** A log, webhook or slack channel. */
  public NotificationChannel(String type, String url) {
    this(type, url, null);
  }
}
