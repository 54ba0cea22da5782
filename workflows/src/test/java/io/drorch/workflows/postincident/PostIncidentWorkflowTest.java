package io.drorch.workflows.postincident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.drorch.workflows.common.UiMetadata;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.commands.PostIncidentInput;
import io.drorch.workflows.contracts.commands.PostmortemEntry;
import io.drorch.workflows.contracts.commands.WritePostmortemInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.plan.PostIncidentSettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.Postmortem;
import io.drorch.workflows.contracts.values.ReportLocation;
import io.drorch.workflows.notify.NotificationActivities;
import io.drorch.workflows.plan.PlanActivities;
import io.drorch.workflows.report.ReportActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

/**
 * The post-mortem in virtual time: reminders the day before the due date, at it, then one level
 * higher each interval; validated Updates; it closes only when all five items are recorded, and
 * then re-renders the report.
 */
class PostIncidentWorkflowTest {
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      UiMetadata.withSearchAttributes(TestWorkflowExtension.newBuilder())
          .setWorkflowTypes(PostIncidentWorkflowImpl.class)
          .setInitialTime(T0)
          .setDoNotStart(true)
          .build();

  private final NotificationActivities notify =
      mock(NotificationActivities.class, withSettings().withoutAnnotations());
  private final ReportActivities report =
      mock(ReportActivities.class, withSettings().withoutAnnotations());
  private final PlanActivities plans = mock(PlanActivities.class, withSettings().withoutAnnotations());
  private final List<Notification> sent = new CopyOnWriteArrayList<>();

  static DrPlan plan() {
    return new DrPlan("app", null, null, null,
        new StorageTarget("b", "p", "us-east-1", null, true, 30, true, 30), null,
        List.of(new EscalationLevel(1, "Infra", List.of("alice", "bob"), List.of("infra@x.org"),
                Duration.ofMinutes(30)),
            new EscalationLevel(2, "Lead", List.of("dana"), List.of("lead@x.org"),
                Duration.ofMinutes(30)),
            new EscalationLevel(3, "CTO", List.of("carol"), List.of("cto@x.org"),
                Duration.ofHours(1))),
        new NotificationSettings(Duration.ofMinutes(15), List.of(new NotificationChannel("log",
            null))), null, null, null)
        .withPostIncident(new PostIncidentSettings(null, Duration.ofDays(7), Duration.ofDays(1),
            Duration.ofDays(1)));
  }

  private PostIncidentWorkflow start(TestWorkflowEnvironment env, Worker worker) {
    when(plans.load()).thenReturn(new LoadedPlan(plan(), "ab".repeat(32), "/etc/dr/dr-plan.yaml"));
    doAnswer(i -> {
      sent.add(i.getArgument(0));
      return null;
    }).when(notify).send(any());
    when(report.writePostmortem(any())).thenReturn(new ReportLocation("md", "json"));
    worker.registerActivitiesImplementations(notify, report, plans);
    env.start();
    PostIncidentWorkflow wf = env.getWorkflowClient().newWorkflowStub(PostIncidentWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("postincident-INC-7")
            .setTaskQueue(worker.getTaskQueue()).build());
    WorkflowClient.start(wf::run, new PostIncidentInput("INC-7", T0,
        "p/reports/INC-7/recovery-report.json"));
    return wf;
  }

  private List<Notification> reminders() {
    return sent.stream().filter(n -> n.event().equals("postmortem-reminder")).toList();
  }

  @Test
  void remindsBeforeAndAtTheDueDateThenEscalatesAndClosesOnlyWhenAllFiveAreDone(
      TestWorkflowEnvironment env, Worker worker) {
    PostIncidentWorkflow wf = start(env, worker);
    env.sleep(Duration.ofMinutes(1));
    Postmortem open = wf.status();
    assertEquals(5, open.items().size());
    assertEquals("alice", open.items().get(0).owner(), "level 1's first approver by default");
    assertEquals(T0.plus(Duration.ofDays(7)), open.items().get(0).due());
    assertTrue(sent.stream().anyMatch(n -> n.event().equals("postmortem-opened")));

    // four items recorded early: only item 3 (preventive measures) is left to remind about
    wf.record(entry("alice").summary("db-1 ran out of disk at 09:12").build());
    wf.record(entry("bob").rootCause("WAL archiving stalled; disk filled").build());
    wf.record(entry("alice").procedures("0123456789abcdef").build());
    wf.record(entry("dana").review(List.of("alice", "bob", "dana")).build());
    wf.record(entry("alice").action("alert at 80% disk", "dana", Duration.ofDays(3)).build());
    assertFalse(wf.status().closed());

    env.sleep(Duration.ofDays(6).minus(Duration.ofMinutes(5)));
    assertEquals(List.of(), reminders(), "nothing before the day before");
    env.sleep(Duration.ofMinutes(10));
    assertEquals(1, reminders().size(), reminders().toString());
    assertEquals(1, reminders().get(0).level());
    assertTrue(reminders().get(0).text().contains("Implement preventive measures"));
    assertTrue(reminders().get(0).text().contains("alert at 80% disk"), "names the open action");

    env.sleep(Duration.ofDays(1));
    assertEquals(2, reminders().size());
    assertTrue(reminders().get(1).text().contains("OVERDUE"));
    assertEquals(1, reminders().get(1).level());
    env.sleep(Duration.ofDays(1));
    assertEquals(2, reminders().get(2).level(), "escalated one level");
    env.sleep(Duration.ofDays(2));
    assertEquals(3, reminders().get(4).level(), "up to the top level and no further");
    verify(report, never()).writePostmortem(any());
    assertFalse(wf.status().closed());

    Postmortem closed = wf.record(entry("dana").actionDone(1).build());
    assertTrue(closed.items().stream().allMatch(i -> i.done()));
    Postmortem result = WorkflowStubResult.of(env, "postincident-INC-7");
    assertTrue(result.closed());
    ArgumentCaptor<WritePostmortemInput> written = ArgumentCaptor.forClass(WritePostmortemInput.class);
    verify(report).writePostmortem(written.capture());
    assertEquals("INC-7", written.getValue().postmortem().incidentId());
    assertEquals(List.of("alice", "bob", "dana"), written.getValue().postmortem().attendees());
    int after = reminders().size();
    env.sleep(Duration.ofDays(3));
    assertEquals(after, reminders().size(), "no reminders once closed");
    assertTrue(sent.stream().anyMatch(n -> n.event().equals("postmortem-closed")));
  }

  @Test
  void updatesAreValidatedAndNamedTheProblem(TestWorkflowEnvironment env, Worker worker) {
    PostIncidentWorkflow wf = start(env, worker);
    env.sleep(Duration.ofMinutes(1));
    assertRefused(wf, entry("mallory").rootCause("x").build(), "not an approver");
    assertRefused(wf, entry("alice").build(), "nothing to record");
    assertRefused(wf, entry("alice").rootCause(" ").build(), "empty text");
    assertRefused(wf, entry("alice").action("x", "zed", Duration.ofDays(1)).build(), "--owner");
    assertRefused(wf, entry("alice").action("x", "dana", null).build(), "--due");
    assertRefused(wf, entry("alice").procedures("not-a-sha").build(), "SHA-256");
    assertRefused(wf, entry("alice").review(List.of()).build(), "--attendees");
    assertRefused(wf, entry("alice").actionDone(1).build(), "no action #1");
    assertEquals(0, wf.status().items().stream().filter(i -> i.done()).count());
  }

  private static void assertRefused(PostIncidentWorkflow wf, PostmortemEntry e, String why) {
    WorkflowUpdateException x = assertThrows(WorkflowUpdateException.class, () -> wf.record(e));
    String message = String.valueOf(x.getCause().getMessage());
    assertTrue(message.contains(why), message);
  }

  static Entry entry(String by) {
    return new Entry(by);
  }

  /** Builds a PostmortemEntry. */
  static final class Entry {
    final String by;
    String summary;
    String rootCause;
    String action;
    String owner;
    Duration due;
    List<Integer> done;
    String procedures;
    Boolean review;
    List<String> attendees;

    Entry(String by) {
      this.by = by;
    }

    Entry summary(String s) {
      summary = s;
      return this;
    }

    Entry rootCause(String s) {
      rootCause = s;
      return this;
    }

    Entry action(String s, String o, Duration d) {
      action = s;
      owner = o;
      due = d;
      return this;
    }

    Entry actionDone(Integer... n) {
      done = List.of(n);
      return this;
    }

    Entry procedures(String s) {
      procedures = s;
      return this;
    }

    Entry review(List<String> who) {
      review = true;
      attendees = who;
      return this;
    }

    PostmortemEntry build() {
      return new PostmortemEntry(by, summary, rootCause, action, owner, due, done, procedures,
          review, attendees);
    }
  }

  /** The result of a workflow by id. */
  static final class WorkflowStubResult {
    static Postmortem of(TestWorkflowEnvironment env, String id) {
      return env.getWorkflowClient().newUntypedWorkflowStub(id).getResult(Postmortem.class);
    }
  }
}
