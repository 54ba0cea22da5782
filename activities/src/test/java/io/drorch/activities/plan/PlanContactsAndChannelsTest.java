package io.drorch.activities.plan;

import io.drorch.local.PlanFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.contracts.plan.Contact;
import io.drorch.workflows.contracts.plan.Contacts;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.SmtpSettings;
import io.drorch.workflows.notify.Notifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan's contact list, the escalation levels' contacts, and the email and slack channels. */
class PlanContactsAndChannelsTest {
  private static final String WEBHOOK =
      "    - type: webhook\n      url: ${DR_WEBHOOK_URL:-http://localhost:8099/dr-events}\n";
  private static final String EMAIL_AND_SLACK = WEBHOOK
      + "    - type: email\n"
      + "      smtp:\n"
      + "        host: smtp.example.com\n"
      + "        username: dr-bot\n"
      + "        from: DR Orchestrator <dr@example.com>\n"
      + "    - type: slack\n"
      + "      url: https://hooks.slack.com/services/T000/B000/XXSECRETXX\n";

  private static ValidatedPlan parse(String yaml) {
    return PlanLoader.parse(yaml, PlanFixtures.examplePlan(), Map.of());
  }

  private static PlanProblem problemAt(PlanException e, String path) {
    return e.problems().stream().filter(p -> p.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no problem at " + path + " in:\n" + e.getMessage()));
  }

  @Test
  void exampleContactListLoadsAndLevelOneNamesTeamPrimaryAndSecondaryByReference() {
    DrPlan plan = parse(PlanFixtures.exampleText()).plan();

    Contacts c = plan.contacts();
    assertEquals(new Contact("Alice Martin", "+1 555 0100", "alice.martin@example.com"), c.primary());
    assertEquals(new Contact("Bob Chen", "+1 555 0101", "bob.chen@example.com"), c.secondary());
    assertEquals(new Contact("Infrastructure Team", null, "infra-team@example.com"), c.team());
    assertEquals(c, plan.notifications().contacts(), "the Notifier sees the same list");
    // references are resolved to addresses: every consumer of the levels sees e-mail addresses
    assertEquals(List.of("infra-team@example.com", "alice.martin@example.com", "bob.chen@example.com"),
        plan.escalation().get(0).contacts());
    assertEquals(List.of("dev-lead@example.com"), plan.escalation().get(1).contacts());
    // level 0 (everyone): the contact list, then every level's contacts, each once
    assertEquals(List.of("alice.martin@example.com", "bob.chen@example.com", "infra-team@example.com",
            "dev-lead@example.com", "cto@example.com", "ceo@example.com"),
        Notifier.recipients(0, plan.escalation(), c));
    assertEquals(List.of("dev-lead@example.com"), Notifier.recipients(2, plan.escalation(), c));
  }

  @Test
  void emailAndSlackChannelsLoadWithTheirSmtpServerAndDefaults() {
    ValidatedPlan loaded = parse(PlanFixtures.exampleWith(WEBHOOK, EMAIL_AND_SLACK));
    List<NotificationChannel> channels = loaded.plan().notifications().channels();

    assertEquals(List.of("log", "webhook", "email", "slack"),
        channels.stream().map(NotificationChannel::type).toList());
    assertEquals(new SmtpSettings("smtp.example.com", 587, "DR Orchestrator <dr@example.com>", true,
        "dr-bot"), channels.get(2).smtp());
    assertEquals("https://hooks.slack.com/services/T000/B000/XXSECRETXX", channels.get(3).url());
    assertTrue(loaded.warnings().stream().noneMatch(w -> w.path().startsWith("notifications")
        || w.path().startsWith("escalation")), loaded.warnings().toString());
  }

  @Test
  void badContactsAndChannelsAreReportedWithTheirPathsAndSecretsAreNotEchoed() {
    PlanException e = assertThrows(PlanException.class, () -> parse(PlanFixtures.exampleWith(
        WEBHOOK, EMAIL_AND_SLACK
            .replace("host: smtp.example.com", "host: smtp://smtp.example.com")
            .replace("from: DR Orchestrator <dr@example.com>", "from: nobody")
            .replace("https://hooks.slack.com/services/T000/B000/XXSECRETXX",
                "ftp://hooks.slack.com/services/T000/B000/XXSECRETXX")
            + "    - type: log\n      smtp: {host: x}\n",
        "    phone: \"+1 555 0101\"\n", "    phone: call me\n",
        "    email: infra-team@example.com\n", "",
        "    contacts: [dev-lead@example.com]", "    contacts: [secundary, dev-lead@example.com]")));

    problemAt(e, "contacts.secondary.phone");
    problemAt(e, "contacts.team.email");
    assertTrue(problemAt(e, "escalation[1].contacts[0]").problem()
        .contains("primary, secondary or team"), e.getMessage());
    problemAt(e, "notifications.channels[2].smtp.host");
    problemAt(e, "notifications.channels[2].smtp.from");
    problemAt(e, "notifications.channels[3].url");
    problemAt(e, "notifications.channels[4].smtp");
    assertFalse(e.getMessage().contains("XXSECRETXX"), e.getMessage());
  }

  @Test
  void smtpPasswordInThePlanIsRefusedPointingAtTheWorkersEnvironment() {
    PlanException e = assertThrows(PlanException.class, () -> parse(PlanFixtures.exampleWith(
        WEBHOOK, EMAIL_AND_SLACK.replace("        username: dr-bot\n",
            "        username: dr-bot\n        password: hunter2\n"))));

    PlanProblem p = problemAt(e, "notifications.channels[2].smtp.password");
    assertTrue(p.problem().contains("DR_SMTP_PASSWORD"), p.toString());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void aReferenceToAContactTheListLacksIsAnErrorAndAPlanWithoutAListIsAWarning() {
    String withoutList = PlanFixtures.exampleText().replaceAll(
        "(?s)\ncontacts: .*?\n\nescalation:", "\nescalation:");
    PlanException e = assertThrows(PlanException.class, () -> parse(withoutList));
    assertTrue(problemAt(e, "escalation[0].contacts[0]").problem().contains("no such list"),
        e.getMessage());

    ValidatedPlan loaded = parse(withoutList.replace("contacts: [team, primary, secondary]",
        "contacts: [infra-team@example.com]"));
    assertNull(loaded.plan().contacts());
    assertTrue(loaded.warnings().stream().anyMatch(w -> w.path().equals("contacts")),
        loaded.warnings().toString());
  }

  @Test
  void emailChannelWarnsAboutALevelWithoutContactsAndAboutAuthWithoutStarttls() {
    ValidatedPlan loaded = parse(PlanFixtures.exampleWith(WEBHOOK, EMAIL_AND_SLACK.replace(
            "        username: dr-bot\n", "        username: dr-bot\n        starttls: false\n"),
        "    contacts: [ceo@example.com]\n", ""));

    assertTrue(loaded.warnings().stream().anyMatch(
        w -> w.path().equals("notifications.channels[2].smtp.starttls")), loaded.warnings().toString());
    assertTrue(loaded.warnings().stream().anyMatch(
        w -> w.path().equals("escalation[3].contacts")), loaded.warnings().toString());
  }
}
