package io.drorch.workflows.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.plan.Contact;
import io.drorch.workflows.contracts.plan.Contacts;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the Notifier hands the notification activity: recipients, step, who to call. */
class NotifierTest {
  static final Contacts CONTACTS = new Contacts(
      new Contact("Alice Martin", "+1 555 0100", "alice@example.com"),
      new Contact("Bob Chen", "+1 555 0101", "bob@example.com"),
      new Contact("Infrastructure Team", null, "infra@example.com"));
  static final List<EscalationLevel> LEVELS = List.of(
      new EscalationLevel(1, "Infrastructure Team", List.of("alice"),
          List.of("infra@example.com", "ALICE@example.com"), Duration.ofMinutes(30)),
      new EscalationLevel(2, "Development Team Lead", List.of("dana"),
          List.of("dev-lead@example.com"), Duration.ofMinutes(30)));

  @WorkflowInterface
  public interface Sends {
    @WorkflowMethod
    void run(NotificationSettings settings, List<EscalationLevel> levels);
  }

  public static class SendsImpl implements Sends {
    @Override
    public void run(NotificationSettings settings, List<EscalationLevel> levels) {
      Notifier n = new Notifier("INC-42", settings, levels);
      n.send("approval-needed", 1, "database-swap", "Put the restored database in place");
      n.send("escalated", 2, "Escalated to level 2");
      n.send("progress", 0, "phase restore");
      n.awaitDelivered();
    }
  }

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = TestWorkflowExtension.newBuilder()
      .setWorkflowTypes(SendsImpl.class).setDoNotStart(true).build();

  private final List<Notification> sent = new CopyOnWriteArrayList<>();

  private void run(TestWorkflowEnvironment env, Worker worker, NotificationSettings settings) {
    NotificationActivities notify =
        mock(NotificationActivities.class, withSettings().withoutAnnotations());
    doAnswer(i -> sent.add(i.getArgument(0))).when(notify).send(any());
    worker.registerActivitiesImplementations(notify);
    env.start();
    env.getWorkflowClient().newWorkflowStub(Sends.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).build())
        .run(settings, LEVELS);
  }

  private Notification event(String name) {
    return sent.stream().filter(n -> n.event().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void approvalRequestsNameWhoToCallAndGoToTheLevelsContactsLevelZeroToEveryone(
      TestWorkflowEnvironment env, Worker worker) {
    run(env, worker, new NotificationSettings(Duration.ofMinutes(15),
        List.of(new NotificationChannel("log", null)), CONTACTS));

    Notification approval = event("approval-needed");
    assertEquals(List.of("infra@example.com", "ALICE@example.com"), approval.contacts());
    assertEquals("database-swap", approval.step());
    assertEquals(CONTACTS, approval.whoToCall());
    assertEquals(CONTACTS, event("escalated").whoToCall());
    assertEquals(List.of("dev-lead@example.com"), event("escalated").contacts());
    Notification progress = event("progress");
    assertNull(progress.whoToCall());
    assertNull(progress.step());
    // everyone: the contact list, then every level's contacts, each address once
    assertEquals(List.of("alice@example.com", "bob@example.com", "infra@example.com",
        "dev-lead@example.com"), progress.contacts());
  }

  @Test
  void aPlanWithoutAContactListStillReachesTheLevelsContacts(
      TestWorkflowEnvironment env, Worker worker) {
    run(env, worker, new NotificationSettings(Duration.ofMinutes(15),
        List.of(new NotificationChannel("log", null))));

    assertNull(event("approval-needed").whoToCall());
    assertEquals(List.of("infra@example.com", "ALICE@example.com", "dev-lead@example.com"),
        event("progress").contacts());
  }
}
