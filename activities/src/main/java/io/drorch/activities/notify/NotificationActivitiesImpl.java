package io.drorch.activities.notify;

import io.drorch.activities.common.Heartbeats;
import io.drorch.activities.common.Json;
import io.drorch.activities.common.Redact;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.notify.NotificationActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link Notification} to each of its channels: {@code log} (an INFO line) and {@code
 * webhook} (POST JSON with a human {@code text} field, so Slack-style endpoints work).
 *
 * <p>At-least-once: a retried attempt skips the channels its previous attempt delivered (kept in
 * the heartbeat details) but a channel may still see a message twice after a worker crash.
 */
public class NotificationActivitiesImpl implements NotificationActivities {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationActivitiesImpl.class);
  static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;

  public NotificationActivitiesImpl() {
    this(HttpClient.newBuilder()
        .connectTimeout(WEBHOOK_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build());
  }

  public NotificationActivitiesImpl(HttpClient http) {
    this.http = http;
  }

  /** The JSON a webhook receives. */
  public record WebhookMessage(String text, String incident, String event, int level,
      List<String> contacts, String at) {}

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
          case "webhook" -> webhook(ch.url(), n);
          default -> throw new IllegalArgumentException("unknown channel type '" + type
              + "' (expected log or webhook)");
        }
        delivered.add(i);
        ctx.ifPresent(c -> c.heartbeat(new Delivered(List.copyOf(delivered))));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      } catch (IOException | RuntimeException e) {
        String name = "webhook".equals(type) ? "webhook " + Redact.origin(ch.url()) : type;
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

  private static void log(Notification n) {
    LOG.info("[{}] {} level {}: {} -> {}", n.incidentId(), n.event(), n.level(), n.text(),
        n.contacts() == null || n.contacts().isEmpty() ? "(everyone)" : String.join(", ", n.contacts()));
  }

  private void webhook(String url, Notification n) throws IOException, InterruptedException {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("webhook channel without url");
    }
    URI uri = URI.create(url.trim());
    if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?")) {
      throw new IllegalArgumentException("not an http(s) URL");
    }
    WebhookMessage body = new WebhookMessage(n.text(), n.incidentId(), n.event(), n.level(),
        n.contacts() == null ? List.of() : n.contacts(), n.at() == null ? null : n.at().toString());
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(WEBHOOK_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)))
        .build();
    HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() / 100 != 2) {
      String answer = new String(r.body(), StandardCharsets.UTF_8).strip();
      if (answer.length() > 200) {
        answer = answer.substring(0, 200) + "…";
      }
      throw new IOException("HTTP " + r.statusCode() + (answer.isEmpty() ? "" : ": " + answer));
    }
  }
}
