package io.drorch.starter.faults;

import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.starter.recovery.SshKeygenSigner;
import io.drorch.workflows.backup.DatabaseBackupWorkflow;
import io.drorch.workflows.backup.FileBackupWorkflow;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.Names;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Drives backups and recoveries through faults: every call goes to the Temporal client of the
 * moment ({@code client} is asked again on each try, so a restarted server is found), and a call
 * that fails because a part is down is tried again until the run's deadline.
 */
final class Runs {
  /** Progress in a history: a step or a run finished (well or not). */
  static final Set<EventType> PROGRESS = Set.of(
      EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
      EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
      EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
      EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
      EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);

  private final Supplier<WorkflowClient> client;
  private final SshKeygenSigner signer;

  Runs(Supplier<WorkflowClient> client, SshKeygenSigner signer) {
    this.client = client;
    this.signer = signer;
  }

  /** How a run ended: its result, or why it did not complete. */
  record Ended<T>(T result, String failure, boolean timedOut) {
    boolean ok() {
      return result != null;
    }
  }

  /** Starts a backup of {@code kind} (started once even when the start call is retried). */
  String startBackup(BackupKind kind, Instant deadline) throws InterruptedException {
    boolean db = kind == BackupKind.DATABASE;
    WorkflowOptions o = BackupRuns.options(db ? BackupRuns.DATABASE_ID : BackupRuns.FILES_ID,
        db ? BackupRuns.databaseSummary("chaos") : BackupRuns.filesSummary("chaos"),
        Instant.now(), TaskQueues.DR);
    retry("start the " + kind + " backup", deadline, () -> {
      try {
        if (db) {
          DatabaseBackupWorkflow wf = client.get().newWorkflowStub(DatabaseBackupWorkflow.class, o);
          WorkflowClient.start(wf::backup, BackupRuns.databaseInput("chaos"));
        } else {
          FileBackupWorkflow wf = client.get().newWorkflowStub(FileBackupWorkflow.class, o);
          WorkflowClient.start(wf::backup, BackupRuns.fileInput("chaos"));
        }
      } catch (WorkflowExecutionAlreadyStarted started) {
        // an earlier try reached the server
      }
      return o.getWorkflowId();
    });
    return o.getWorkflowId();
  }

  Ended<BackupResult> awaitBackup(String workflowId, Instant deadline)
      throws InterruptedException {
    RuntimeException last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        return new Ended<>(client.get().newUntypedWorkflowStub(workflowId)
            .getResult(2, TimeUnit.SECONDS, BackupResult.class), null, false);
      } catch (TimeoutException notYet) {
        // still running
      } catch (WorkflowFailedException e) {
        return new Ended<>(null, reason(e), false);
      } catch (RuntimeException partDown) {
        last = partDown;
        Thread.sleep(300);
      }
    }
    return new Ended<>(null, "not finished by the trial's deadline"
        + (last == null ? "" : " (last error: " + last + ")"), true);
  }

  /**
   * Starts {@code recovery-INCIDENT} and drives it to its end: each pending decision is answered
   * by {@code policy} (null: leave it), signed by alice.
   */
  Ended<RecoveryReport> recover(String incident, List<RecoveryScope> scope,
      Function<PendingDecision, Verdict> policy, Instant deadline) throws InterruptedException {
    retry("start recovery " + incident, deadline, () -> {
      try {
        RecoveryRuns.start(client.get(), TaskQueues.DR, incident, scope, Tier.CRITICAL, null, null,
            "chaos");
      } catch (WorkflowExecutionAlreadyStarted started) {
        // an earlier try reached the server
      }
      return incident;
    });
    Set<String> answered = new HashSet<>();
    RuntimeException last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        try {
          return new Ended<>(client.get().newUntypedWorkflowStub(Names.workflowId(incident))
              .getResult(1, TimeUnit.SECONDS, RecoveryReport.class), null, false);
        } catch (TimeoutException notYet) {
          // running: answer what waits
        }
        var status = RecoveryRuns.existing(client.get(), incident).status();
        for (PendingDecision p : status.pending()) {
          if (answered.contains(p.step())) {
            continue;
          }
          Verdict v = policy.apply(p);
          if (v != null) {
            RecoveryRuns.decide(client.get(), incident, "alice", v, p.step(), "fault suite",
                signer);
            answered.add(p.step());
          }
        }
      } catch (WorkflowFailedException e) {
        return new Ended<>(null, reason(e), false);
      } catch (RuntimeException partDown) {
        last = partDown;
        Thread.sleep(300);
      }
    }
    return new Ended<>(null, "not finished by the trial's deadline"
        + (last == null ? "" : " (last error: " + last + ")"), true);
  }

  /** Terminates every run still open (after a trial's deadline passed). */
  void terminateOpen(String why) {
    try {
      client.get().listExecutions("ExecutionStatus = 'Running'").forEach(m -> {
        try {
          client.get().newUntypedWorkflowStub(m.getExecution().getWorkflowId()).terminate(why);
        } catch (RuntimeException gone) {
          // closed meanwhile
        }
      });
    } catch (RuntimeException e) {
      System.err.println("fault suite: cannot terminate open runs: " + e);
    }
  }

  /**
   * The longest a run started since {@code since} went without progress after {@code faultAt}:
   * from the fault to the first step or run that finished after it (from the histories).
   * Empty when nothing finished after the fault.
   */
  Optional<Duration> stallAfter(Instant since, Instant faultAt) {
    Instant first = null;
    try {
      var runs = client.get().listExecutions("StartTime >= '" + since.minusSeconds(1) + "'")
          .toList();
      for (var m : runs) {
        var history = client.get().fetchHistory(m.getExecution().getWorkflowId(),
            m.getExecution().getRunId());
        for (HistoryEvent e : history.getEvents()) {
          if (!PROGRESS.contains(e.getEventType())) {
            continue;
          }
          Instant at = Instant.ofEpochSecond(e.getEventTime().getSeconds(),
              e.getEventTime().getNanos());
          if (at.isAfter(faultAt) && (first == null || at.isBefore(first))) {
            first = at;
          }
        }
      }
    } catch (RuntimeException e) {
      System.err.println("fault suite: cannot read histories: " + e);
    }
    return first == null ? Optional.empty() : Optional.of(Duration.between(faultAt, first));
  }

  static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  interface Call<T> {
    T call();
  }

  /** {@code call} until it works or {@code deadline} passes (then its last failure). */
  static <T> T retry(String what, Instant deadline, Call<T> call) throws InterruptedException {
    RuntimeException last;
    do {
      try {
        return call.call();
      } catch (RuntimeException e) {
        last = e;
        Thread.sleep(300);
      }
    } while (Instant.now().isBefore(deadline));
    throw new IllegalStateException("could not " + what + " before the deadline", last);
  }
}
