package io.drorch.activities.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.drorch.activities.TestHttpServer;
import io.drorch.activities.common.Json;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.notify.NotificationActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotificationActivitiesImplTest {
  private static final Instant AT = Instant.parse("2026-11-26T02:15:00Z");

  private TestActivityEnvironment env;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new NotificationActivitiesImpl());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private NotificationActivities stub(int attempts) {
    return env.newActivityStub(NotificationActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(attempts)
            .setInitialInterval(Duration.ofMillis(10)).build())
        .build());
  }

  private static Notification notification(NotificationChannel... channels) {
    return new Notification("INC-42", "approval-needed", 1,
        "Database restore of INC-42 waits for approval by Infrastructure Team",
        List.of("infra-team@example.com", "oncall@example.com"), List.of(channels), AT);
  }

  private static ApplicationFailure notifyFailure(Runnable call) {
    ActivityFailure f = assertThrows(ActivityFailure.class, call::run);
    ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, f.getCause());
    assertEquals(DrError.NOTIFY_FAILED.name(), af.getType(), af.getOriginalMessage());
    assertFalse(af.isNonRetryable(), "NOTIFY_FAILED is retryable");
    return af;
  }

  @Test
  void webhookReceivesTheJsonWithAHumanTextField() throws Exception {
    try (TestHttpServer hook = TestHttpServer.answering(200)) {
      stub(1).send(notification(new NotificationChannel("log", null),
          new NotificationChannel("webhook", hook.url("/dr-events"))));

      assertEquals(1, hook.requests.size());
      TestHttpServer.Request req = hook.requests.get(0);
      assertEquals("POST", req.method());
      assertEquals("application/json", req.contentType());
      JsonNode json = Json.mapper().readTree(req.body().getBytes(StandardCharsets.UTF_8));
      assertEquals("Database restore of INC-42 waits for approval by Infrastructure Team",
          json.get("text").asText());
      assertEquals("INC-42", json.get("incident").asText());
      assertEquals("approval-needed", json.get("event").asText());
      assertEquals(1, json.get("level").asInt());
      assertEquals(2, json.get("contacts").size());
      assertEquals("infra-team@example.com", json.get("contacts").get(0).asText());
      assertEquals("2026-11-26T02:15:00Z", json.get("at").asText());
    }
  }

  @Test
  void webhookAnswering500IsARetryableNotifyFailureNamingTheChannelButNotItsSecretPath()
      throws Exception {
    try (TestHttpServer hook = TestHttpServer.answering(n -> 500, "internal error")) {
      String url = hook.url("/services/T000/B000/XXSECRETXX");
      ApplicationFailure f = notifyFailure(() -> stub(1).send(notification(
          new NotificationChannel("log", null), new NotificationChannel("webhook", url))));

      String m = f.getOriginalMessage();
      assertTrue(m.contains("webhook " + hook.url("/…")), m);
      assertTrue(m.contains("HTTP 500"), m);
      assertFalse(m.contains("XXSECRETXX"), m);
      assertFalse(m.contains("log ("), "the log channel worked: " + m);
    }
  }

  @Test
  void refusedConnectionIsANotifyFailure() throws Exception {
    String url = TestHttpServer.refusedUrl("/dr-events");
    ApplicationFailure f = notifyFailure(() -> stub(1).send(
        notification(new NotificationChannel("webhook", url))));

    assertTrue(f.getOriginalMessage().contains("ConnectException"), f.getOriginalMessage());
  }

  @Test
  void retriedAttemptSkipsTheChannelsItsPreviousAttemptDelivered() throws Exception {
    try (TestHttpServer delivered = TestHttpServer.answering(204);
        TestHttpServer failedBefore = TestHttpServer.answering(200)) {
      // what the failed attempt heartbeated after delivering channel 0
      env.setHeartbeatDetails(new NotificationActivitiesImpl.Delivered(List.of(0)));

      stub(1).send(notification(new NotificationChannel("webhook", delivered.url("/a")),
          new NotificationChannel("webhook", failedBefore.url("/b"))));

      assertEquals(0, delivered.requests.size(), "delivered channels are not sent again");
      assertEquals(1, failedBefore.requests.size());
    }
  }
}
