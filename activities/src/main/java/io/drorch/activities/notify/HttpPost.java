package io.drorch.activities.notify;

import io.drorch.activities.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs JSON to a webhook-style URL. The URL never appears in what this throws (its path is often
 * the secret: Slack, Teams); callers name the channel by {@code Redact.origin}.
 */
final class HttpPost {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private HttpPost() {}

  static void json(HttpClient http, String url, Object body)
      throws IOException, InterruptedException {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("channel without url");
    }
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the url is not a URL");
    }
    if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?")) {
      throw new IllegalArgumentException("not an http(s) URL");
    }
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(TIMEOUT)
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
