package io.drorch.workflows.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Verdict;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A recovery that waits a month for its CEO keeps a bounded history (quiet waits): Temporal
 * warns at 10,240 events and stops a workflow at 51,200. Measured before quiet waits (the build
 * before {@code quiet-waits}): about 39,700 events in the recovery's history for the same month.
 */
class HistoryBoundTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = RecoveryHarness.extension();

  static final int LIMIT = 10_000;

  /**
   * {@code -Ddr.history.before=true} measures the build before quiet waits instead (it fails the
   * bound: that is the point of the change).
   */
  @Test
  void thirtyDaysAtLevel4StayBelowTenThousandEvents(TestWorkflowEnvironment env, Worker w)
      throws Exception {
    try (AutoCloseable before = Boolean.getBoolean("dr.history.before")
        ? io.drorch.workflows.common.Versions.simulateBuildBefore(
            io.drorch.workflows.common.Versions.QUIET_WAITS)
        : () -> { }) {
      waitAMonth(env, w);
    }
  }

  private void waitAMonth(TestWorkflowEnvironment env, Worker w) {
    RecoveryHarness h = new RecoveryHarness(env, w);
    RecoveryWorkflow r = h.start(List.of(RecoveryScope.DATABASE), OnUnanswered.REMIND);
    h.awaitPending();

    env.sleep(Duration.ofDays(30));

    assertEquals(4, r.status().pending().get(0).level());
    long events = events(env, "recovery-INC-1");
    long child = events(env, "recovery-INC-1-database");
    System.out.printf("30 days at level 4: %d events in the recovery, %d in its database child,"
        + " %d reminders, %d progress notifications%n", events, child,
        h.events("reminder").size(), h.events("progress").size());
    assertTrue(events < LIMIT, events + " events");
    assertTrue(child < LIMIT, child + " events in the child");
    // still reminding, daily at the end, and saying how it goes
    List<Notification> reminders = h.events("reminder");
    assertTrue(reminders.size() >= 30 && reminders.size() <= 60, reminders.size() + " reminders");
    Duration lastGap = Duration.between(reminders.get(reminders.size() - 2).at(),
        reminders.get(reminders.size() - 1).at());
    assertTrue(lastGap.minus(Duration.ofDays(1)).abs().compareTo(Duration.ofMinutes(1)) < 0,
        "reminders a day apart at the end, not " + lastGap);
    assertTrue(h.events("progress").size() >= 29, h.events("progress").size() + " progress");

    r.decide(h.signed("erin", Verdict.APPROVE, "database-swap", "after a month"));
    assertEquals(Outcome.RECOVERED, h.result().outcome());
  }

  static long events(TestWorkflowEnvironment env, String workflowId) {
    return env.getWorkflowClient().fetchHistory(workflowId).getEvents().size();
  }
}
