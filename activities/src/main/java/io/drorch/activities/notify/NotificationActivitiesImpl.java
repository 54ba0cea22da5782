package io.drorch.activities.notify;

import io.drorch.activities.common.Heartbeats;
import io.drorch.activities.common.Redact;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.notify.NotificationActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link Notification} to each of its channels: {@code log} (an INFO line), {@code webhook}
 * (POST JSON with a human {@code text} field), {@code slack} (a Slack incoming webhook: {@code
 * {"text": …}}) and {@code email} (SMTP to the notification's contacts, see {@link EmailChannel}).
 * Approval requests name who to call on every channel ({@link MessageText}).
 *
 * <p>A failing channel is reported (NOTIFY_FAILED naming it), never fails a recovery; a webhook's
 * or Slack URL's path is a secret and appears nowhere, neither in failures nor in logs.
 *
 * <p>At-least-once: a retried attempt skips the channels its previous attempt delivered (kept in
 * the heartbeat details) but a channel may still see a message twice after a worker crash.
 */
public class NotificationActivitiesImpl implements NotificationActivities {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationActivitiesImpl.class);
  static final Duration WEBHOOK_TIMEOUT = HttpPost.TIMEOUT;

  private final HttpClient http;
  private final EmailChannel email;

  /** Production: the e-mail password from {@code DR_SMTP_PASSWORD}, the JVM's trust store. */
  public NotificationActivitiesImpl() {
    this(defaultHttpClient());
  }

  public NotificationActivitiesImpl(HttpClient http) {
    this(http, EmailChannel.fromEnvironment());
  }

  /**
   * @param smtpPassword the SMTP password (production: {@code DR_SMTP_PASSWORD})
   * @param smtpTls TLS sockets for STARTTLS (e.g. trusting a test server's certificate), or null
   *     for the JVM's defaults
   */
  public NotificationActivitiesImpl(HttpClient http, Supplier<Optional<String>> smtpPassword,
      SSLSocketFactory smtpTls) {
    this(http, new EmailChannel(smtpPassword, smtpTls));
  }

  private NotificationActivitiesImpl(HttpClient http, EmailChannel email) {
    this.http = http;
    this.email = email;
  }

  static HttpClient defaultHttpClient() {
    return HttpClient.newBuilder()
        .connectTimeout(WEBHOOK_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  /** The JSON a webhook receives ({@code text} also names who to call on approval requests). */
  public record WebhookMessage(String text, String incident, String event, int level,
      List<String> contacts, String at, String step, List<String> whoToCall) {}

  /** The JSON a Slack incoming webhook receives. */
  public record SlackMessage(String text) {}

  /** Heartbeat details: indexes of the channels already delivered by an earlier attempt. */
  public record Delivered(List<Integer> channels) {}

  @Override
  public void send(Notification n) {
    if (n == null) {
      throw DrError.BAD_INPUT.failure("No notification to send");
    }
    List<NotificationChannel> channels = n.channels() == null || n.channels().isEmpty()
        ? List.of(new NotificationChannel("log", null))
        : n.channels();
    Optional<ActivityExecutionContext> ctx = Heartbeats.context();
    Set<Integer> delivered = new LinkedHashSet<>(ctx.flatMap(c -> {
      try {
        return c.getHeartbeatDetails(Delivered.class);
      } catch (RuntimeException unreadable) {
        return Optional.empty();
      }
    }).map(Delivered::channels).orElse(List.of()));
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < channels.size(); i++) {
      if (delivered.contains(i)) {
        continue;
      }
      NotificationChannel ch = channels.get(i);
      String type = ch.type() == null ? "" : ch.type();
      try {
        switch (type) {
          case "log" -> log(n);
          case "webhook" -> HttpPost.json(http, ch.url(), webhookMessage(n));
          case "slack" -> HttpPost.json(http, ch.url(), new SlackMessage(MessageText.slack(n)));
          case "email" -> email.send(ch.smtp(), n);
          default -> throw new IllegalArgumentException("unknown channel type '" + type
              + "' (expected log, webhook, slack or email)");
        }
        delivered.add(i);
        ctx.ifPresent(c -> c.heartbeat(new Delivered(List.copyOf(delivered))));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      } catch (IOException | RuntimeException e) {
        String name = name(ch);
        String why = e.getMessage() == null || e.getMessage().isBlank()
            ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        failed.add(name + " (" + why + ")");
        LOG.warn("[{}] notification {} not delivered to {}: {}", n.incidentId(), n.event(), name, why);
      }
    }
    if (!failed.isEmpty()) {
      throw DrError.NOTIFY_FAILED.failure("Notification " + n.event() + " of " + n.incidentId()
          + " not delivered to " + String.join("; ", failed)
          + ". Check the channel in notifications.channels of dr-plan.yaml.");
    }
  }

  /** A channel as failures and logs name it: a URL only by its origin, SMTP by host and port. */
  static String name(NotificationChannel ch) {
    String type = ch.type() == null ? "" : ch.type();
    return switch (type) {
      case "webhook", "slack" -> type + " " + Redact.origin(ch.url());
      case "email" -> EmailChannel.name(ch.smtp());
      default -> type;
    };
  }

  private static WebhookMessage webhookMessage(Notification n) {
    return new WebhookMessage(MessageText.withWhoToCall(n), n.incidentId(), n.event(), n.level(),
        n.contacts() == null ? List.of() : n.contacts(), n.at() == null ? null : n.at().toString(),
        n.step(), MessageText.whoToCall(n));
  }

  private static void log(Notification n) {
    List<String> who = MessageText.whoToCall(n);
    LOG.info("[{}] {} level {}{}: {} -> {}{}", n.incidentId(), n.event(), n.level(),
        n.step() == null ? "" : " step " + n.step(), n.text(),
        n.contacts() == null || n.contacts().isEmpty() ? "(everyone)" : String.join(", ", n.contacts()),
        who.isEmpty() ? "" : "; who to call: " + String.join("; ", who));
  }
}
