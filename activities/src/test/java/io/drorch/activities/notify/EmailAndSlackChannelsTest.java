package io.drorch.activities.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.drorch.activities.TestHttpServer;
import io.drorch.activities.common.Json;
import io.drorch.local.LocalMailpit;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.plan.Contact;
import io.drorch.workflows.contracts.plan.Contacts;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.SmtpSettings;
import io.drorch.workflows.notify.NotificationActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The email channel against a real SMTP server (Mailpit, started here on free ports: one requiring
 * STARTTLS and AUTH, one plain), read back through Mailpit's HTTP API; the slack channel against a
 * local HTTP server.
 */
class EmailAndSlackChannelsTest {
  private static final Instant AT = Instant.parse("2026-11-26T02:15:00Z");
  private static final String USER = "dr-bot";
  private static final String PASSWORD = "XXs3cretXX";
  static final Contacts CONTACTS = new Contacts(
      new Contact("Alice Martin", "+1 555 0100", "alice.martin@example.com"),
      new Contact("Bob Chen", "+1 555 0101", "bob.chen@example.com"),
      new Contact("Infrastructure Team", null, "infra-team@example.com"));
  /** Level 1's contacts in the example plan: team, primary, secondary. */
  static final List<String> LEVEL_1 =
      List.of("infra-team@example.com", "alice.martin@example.com", "bob.chen@example.com");

  @TempDir static Path tmp;
  static LocalMailpit secure;
  static LocalMailpit plain;

  private final AtomicReference<String> smtpPassword = new AtomicReference<>(PASSWORD);
  private TestActivityEnvironment env;

  @BeforeAll
  static void startMailpit() throws IOException {
    secure = LocalMailpit.start(tmp.resolve("secure"),
        new LocalMailpit.Options(true, USER, PASSWORD));
    plain = LocalMailpit.start(tmp.resolve("plain"), LocalMailpit.Options.plain());
  }

  @AfterAll
  static void stopMailpit() {
    if (secure != null) {
      secure.close();
    }
    if (plain != null) {
      plain.close();
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    secure.deleteAll();
    plain.deleteAll();
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new NotificationActivitiesImpl(
        NotificationActivitiesImpl.defaultHttpClient(),
        () -> Optional.ofNullable(smtpPassword.get()), secure.trustingSocketFactory()));
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private NotificationActivities stub() {
    return env.newActivityStub(NotificationActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(60))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  private static NotificationChannel email(LocalMailpit server, boolean startTls, String user) {
    return new NotificationChannel("email", null, new SmtpSettings(LocalMailpit.HOST,
        server.smtpPort(), "DR Orchestrator <dr-orchestrator@example.com>", startTls, user));
  }

  /** What the approval gate sends when level 1 must approve the database swap. */
  private static Notification approvalRequest(NotificationChannel channel) {
    return new Notification("INC-42", "approval-needed", 1,
        "Put restored database 'ai_docs_restore_inc_42' (backup db-20261126T020000Z-3f9a1c,"
            + " verified) in place as 'ai_docs' — waiting for level 1 Infrastructure Team"
            + " (alice, bob): APPROVE or REJECT.",
        LEVEL_1, List.of(channel), AT, "database-swap", CONTACTS);
  }

  private static ApplicationFailure notifyFailure(Runnable call) {
    ActivityFailure f = assertThrows(ActivityFailure.class, call::run);
    ApplicationFailure af = assertInstanceOf(ApplicationFailure.class, f.getCause());
    assertEquals(DrError.NOTIFY_FAILED.name(), af.getType(), af.getOriginalMessage());
    return af;
  }

  private static List<String> addresses(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(a -> out.add(a.get("Address").asText()));
    return out;
  }

  @Test
  void approvalRequestEmailReachesExactlyTheLevelsContactsOverStartTlsAndAuth() throws Exception {
    stub().send(approvalRequest(email(secure, true, USER)));

    List<JsonNode> got = secure.awaitMessages(1, Duration.ofSeconds(10));
    assertEquals(1, got.size(), "one message for all recipients: " + got);
    JsonNode m = secure.message(got.get(0).get("ID").asText());
    assertEquals(LEVEL_1, addresses(m.get("To")));
    assertEquals(0, m.get("Cc").size() + m.get("Bcc").size(), m.toString());
    assertEquals("dr-orchestrator@example.com", m.get("From").get("Address").asText());
    assertEquals(USER, got.get(0).get("Username").asText(), "sent after SMTP AUTH as dr-bot");
    String subject = m.get("Subject").asText();
    assertEquals("[DR INC-42] approval-needed: database-swap (level 1)", subject);
    String text = m.get("Text").asText().replace("\r\n", "\n"); // SMTP sends CRLF
    for (String expected : new String[] {"Incident:  INC-42", "Step:      database-swap",
        "waiting for level 1 Infrastructure Team",
        "dr approve INC-42 --step database-swap --as NAME",
        "Who to call:\n- Primary contact: Alice Martin, +1 555 0100, alice.martin@example.com\n"
            + "- Secondary contact: Bob Chen, +1 555 0101, bob.chen@example.com\n"
            + "- Infrastructure Team: infra-team@example.com\n"}) {
      assertTrue(text.contains(expected), "missing <" + expected + "> in:\n" + text);
    }
    assertFalse(text.contains(PASSWORD), text);
    assertTrue(plain.messages().isEmpty());
  }

  @Test
  void wrongPasswordIsARetryableNotifyFailureNamingTheServerButNeverThePassword() throws Exception {
    smtpPassword.set("XXwrongXX");

    ApplicationFailure f = notifyFailure(() -> stub().send(
        approvalRequest(email(secure, true, USER))));

    String m = f.getOriginalMessage();
    assertFalse(f.isNonRetryable(), m);
    assertTrue(m.contains("email via 127.0.0.1:" + secure.smtpPort()), m);
    assertTrue(m.contains("authentication as 'dr-bot' refused"), m);
    assertFalse(m.contains("XXwrongXX") || m.contains(PASSWORD), m);
    assertTrue(secure.messages().isEmpty());
  }

  @Test
  void missingPasswordInTheWorkersEnvironmentIsNamed() throws Exception {
    smtpPassword.set(null);

    ApplicationFailure f = notifyFailure(() -> stub().send(
        approvalRequest(email(secure, true, USER))));

    assertTrue(f.getOriginalMessage().contains("DR_SMTP_PASSWORD is not set"),
        f.getOriginalMessage());
    assertTrue(secure.messages().isEmpty());
  }

  @Test
  void requiredStartTlsRefusesAServerThatCannotAndNothingIsSentInClear() throws Exception {
    ApplicationFailure f = notifyFailure(() -> stub().send(
        approvalRequest(email(plain, true, null))));

    assertTrue(f.getOriginalMessage().contains("STARTTLS"), f.getOriginalMessage());
    assertTrue(plain.messages().isEmpty());
  }

  @Test
  void levelZeroGoesToEveryoneOnAPlainRelayWithoutWhoToCall() throws Exception {
    List<String> everyone = List.of("alice.martin@example.com", "bob.chen@example.com",
        "infra-team@example.com", "dev-lead@example.com", "cto@example.com", "ceo@example.com");
    stub().send(new Notification("INC-42", "progress", 0, "Incident INC-42: phase restore",
        everyone, List.of(email(plain, false, null)), AT));

    List<JsonNode> got = plain.awaitMessages(1, Duration.ofSeconds(10));
    JsonNode m = plain.message(got.get(0).get("ID").asText());
    assertEquals(everyone, addresses(m.get("To")));
    assertEquals("[DR INC-42] progress: Incident INC-42: phase restore", m.get("Subject").asText());
    assertFalse(m.get("Text").asText().contains("Who to call"));
  }

  @Test
  void slackReceivesOnlyATextFieldWithWhoToCallAndEscapedMarkup() throws Exception {
    try (TestHttpServer slack = TestHttpServer.answering(n -> 200, "ok")) {
      Notification n = approvalRequest(new NotificationChannel("slack",
          slack.url("/services/T000/B000/XXSECRETXX")));
      stub().send(new Notification(n.incidentId(), n.event(), n.level(),
          "Swap <ai_docs> & keep the old one", n.contacts(), n.channels(), n.at(), n.step(),
          n.whoToCall()));

      assertEquals(1, slack.requests.size());
      TestHttpServer.Request req = slack.requests.get(0);
      assertEquals("/services/T000/B000/XXSECRETXX", req.path());
      assertEquals("application/json", req.contentType());
      JsonNode json = Json.mapper().readTree(req.body().getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of("text"), iterable(json.fieldNames()));
      String text = json.get("text").asText();
      assertTrue(text.startsWith("*[DR INC-42] approval-needed: database-swap (level 1)*\n"
          + "Swap &lt;ai_docs&gt; &amp; keep the old one\n"), text);
      assertTrue(text.contains("- Primary contact: Alice Martin, +1 555 0100,"
          + " alice.martin@example.com"), text);
      assertTrue(text.contains("dr approve INC-42 --step database-swap"), text);
    }
  }

  @Test
  void slackAnswering404IsANotifyFailureWithoutTheSecretPath() throws Exception {
    try (TestHttpServer slack = TestHttpServer.answering(n -> 404, "no_service")) {
      String url = slack.url("/services/T000/B000/XXSECRETXX");
      ApplicationFailure f = notifyFailure(() -> stub().send(
          approvalRequest(new NotificationChannel("slack", url))));

      String m = f.getOriginalMessage();
      assertTrue(m.contains("slack " + slack.url("/…")), m);
      assertTrue(m.contains("HTTP 404: no_service"), m);
      assertFalse(m.contains("XXSECRETXX"), m);
    }
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
