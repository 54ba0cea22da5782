package io.drorch.starter.recovery;

import io.drorch.workflows.approval.DecisionText;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.commands.RecoveryInput;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.queries.RecoveryStatus;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.Names;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Starting, finding and answering recoveries: used by the CLI and the local drill ({@link
 * RecoveryFollower} follows one).
 */
public final class RecoveryRuns {
  private RecoveryRuns() {}

  /**
   * Starts {@code recovery-INCIDENT} on {@code taskQueue}: the input carries what the operator
   * decides; the worker polling that queue recovers with its own plan.
   */
  public static RecoveryWorkflow start(WorkflowClient client, String taskQueue, String incident,
      List<RecoveryScope> scope, Tier tier, Instant asOf, Instant incidentAt, String requestedBy) {
    RecoveryWorkflow wf = client.newWorkflowStub(RecoveryWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(Names.workflowId(incident))
            .setTaskQueue(taskQueue)
            // Markdown in the Web UI: "[DATABASE] (CRITICAL)" would render as a link, so no brackets
            .setStaticSummary("Recovery " + incident + ": " + scopeText(scope) + " (" + tier
                + "), requested by " + requestedBy)
            .setStaticDetails("**Incident** " + incident + "\n\n**Scope** " + scopeText(scope)
                + "\n\n**Tier** " + tier + "\n\n**Requested by** " + requestedBy
                + (asOf == null ? "" : "\n\n**Restore as of** " + asOf)
                + "\n\nApprove: `dr approve " + incident + " --as NAME`")
            .build());
    WorkflowClient.start(wf::recover,
        new RecoveryInput(incident, scope, tier, asOf, incidentAt, requestedBy));
    return wf;
  }

  /** One recovery as a visibility query finds it. */
  public record Listed(String workflowId, String incident, String status, String phase,
      long awaitingLevel, Instant startTime, Instant closeTime) {}

  /**
   * The visibility query of {@code dr recoveries list}; the same text works as a Web UI filter.
   * Recovery parents only (their children carry DrKind 'recovery' too, but no awaiting level).
   * {@code level} wins over {@code awaiting}; both imply running.
   */
  public static String listQuery(boolean awaiting, Integer level, String incident,
      boolean running) {
    List<String> q = new ArrayList<>();
    q.add(SearchAttributes.DR_KIND.getName() + " = '" + SearchAttributes.KIND_RECOVERY + "'");
    q.add("WorkflowType = '" + RecoveryWorkflow.class.getSimpleName() + "'");
    if (running || awaiting || level != null) {
      q.add("ExecutionStatus = 'Running'");
    }
    if (level != null) {
      q.add(SearchAttributes.DR_AWAITING_LEVEL.getName() + " = " + level);
    } else if (awaiting) {
      q.add(SearchAttributes.DR_AWAITING_LEVEL.getName() + " >= 1");
    }
    if (incident != null) {
      if (!incident.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException("not an incident id: " + incident);
      }
      q.add(SearchAttributes.DR_INCIDENT.getName() + " = '" + incident + "'");
    }
    return String.join(" AND ", q);
  }

  /** Runs a visibility query (real server only: the Java test server has no visibility). */
  public static List<Listed> list(WorkflowClient client, String query, int limit) {
    List<Listed> out = new ArrayList<>(client.listExecutions(query).limit(limit)
        .map(RecoveryRuns::listed).toList());
    out.sort(Comparator.comparing(Listed::startTime,
        Comparator.nullsLast(Comparator.reverseOrder())));
    return out;
  }

  private static Listed listed(WorkflowExecutionMetadata m) {
    var sa = m.getTypedSearchAttributes();
    Long level = sa.get(SearchAttributes.DR_AWAITING_LEVEL);
    WorkflowExecutionStatus st = m.getStatus();
    return new Listed(m.getExecution().getWorkflowId(), sa.get(SearchAttributes.DR_INCIDENT),
        st.name().replace("WORKFLOW_EXECUTION_STATUS_", ""), sa.get(SearchAttributes.DR_PHASE),
        level == null ? 0 : level, m.getStartTime(), m.getCloseTime());
  }

  private static String scopeText(List<RecoveryScope> scope) {
    return String.join(", ", scope.stream().map(Enum::name).toList());
  }

  public static RecoveryWorkflow existing(WorkflowClient client, String incident) {
    return client.newWorkflowStub(RecoveryWorkflow.class, Names.workflowId(incident));
  }

  /**
   * Sends a decision as an Update: signed with {@code signer} (null: unsigned, for plans with
   * {@code signatures: optional}), valid for {@link PlanDefaults#SIGNATURE_VALIDITY}.
   */
  public static DecisionRecord decide(WorkflowClient client, String incident, String approver,
      Verdict verdict, String step, String comment, SshKeygenSigner signer) {
    RecoveryWorkflow wf = existing(client, incident);
    return wf.decide(decision(wf.status(), approver, verdict, step, comment, signer,
        PlanDefaults.SIGNATURE_VALIDITY, Instant.now()));
  }

  /**
   * The pending request a decision answers: the one at {@code step}, or the only one.
   *
   * @throws IllegalArgumentException naming what is pending when there is no such request
   */
  public static PendingDecision pending(RecoveryStatus s, String step) {
    List<PendingDecision> pending = s.pending();
    if (step != null) {
      return pending.stream().filter(p -> p.step().equals(step)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("nothing is waiting at step '" + step
              + "' of recovery-" + s.incidentId() + (pending.isEmpty() ? ""
                  : "; pending: " + pending.stream().map(PendingDecision::step).toList())
              + " (a decision is signed for a pending request: it names its backup and copy)"));
    }
    if (pending.size() == 1) {
      return pending.get(0);
    }
    throw new IllegalArgumentException(pending.isEmpty()
        ? "nothing is waiting for a decision in recovery-" + s.incidentId()
        : pending.size() + " decisions are pending (" + pending.stream()
            .map(PendingDecision::step).toList() + "): name the step with --step");
  }

  /** The canonical text of a decision on the pending request {@code p} (what is signed). */
  public static String canonical(RecoveryStatus s, PendingDecision p, String approver,
      Verdict verdict, String comment, Instant signedAt, Instant expiresAt) {
    return DecisionText.canonical(s.incidentId(), s.workflowId(), s.runId(), p.step(),
        p.backupId(), p.copyFingerprint(), verdict, approver, comment,
        DecisionText.format(signedAt), DecisionText.format(expiresAt));
  }

  /**
   * The decision {@code dr approve} sends: bound to the recovery's run and the pending request's
   * step, backup and copy, signed now by {@code signer} (null: unsigned), valid for {@code
   * validity}.
   */
  public static ApprovalDecision decision(RecoveryStatus s, String approver, Verdict verdict,
      String step, String comment, SshKeygenSigner signer, Duration validity, Instant now) {
    PendingDecision p = pending(s, step);
    Instant signedAt = Instant.ofEpochSecond(now.getEpochSecond());
    Instant expiresAt = signedAt.plus(validity);
    String text = canonical(s, p, approver, verdict, comment, signedAt, expiresAt);
    return new ApprovalDecision(approver, verdict, p.step(), comment, s.runId(), p.backupId(),
        p.copyFingerprint(), DecisionText.format(signedAt), DecisionText.format(expiresAt),
        signer == null ? null : signer.sign(text));
  }

  /**
   * What Temporal knows of a recovery's run without asking a worker, or empty when it has no run
   * of that id (never started, or removed by the namespace's retention).
   */
  public static Optional<WorkflowExecutionDescription> describe(WorkflowClient client,
      String incident) {
    try {
      return Optional.of(WorkflowStub.fromTyped(existing(client, incident)).describe());
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  public static RecoveryReport result(WorkflowClient client, String incident) {
    return WorkflowStub.fromTyped(existing(client, incident)).getResult(RecoveryReport.class);
  }

  /** How {@link #follow} answers a pending decision: who, what, and the key that signs it. */
  public record Answer(String approver, Verdict verdict, String comment, SshKeygenSigner signer) {}
}
