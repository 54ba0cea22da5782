package io.drorch.starter.cli;

import io.drorch.activities.common.Json;
import io.drorch.activities.plan.Durations;
import io.drorch.activities.plan.PlanException;
import io.drorch.activities.plan.PlanLoader;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.starter.recovery.SshKeygenSigner;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.queries.RecoveryStatus;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.SignedBy;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import io.temporal.client.WorkflowUpdateException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dr approve|reject|decide INCIDENT --as NAME [--key KEY | --key agent]}: reads the
 * pending request and the run id (status query), builds the canonical decision text, signs it
 * with {@code ssh-keygen -Y sign -n dr-approval}, and sends it as a Workflow Update, so the answer
 * says at once whether it counted (and why not). {@code --print} prints the signed JSON instead
 * (for the Web UI's "Send a Signal" or {@code temporal workflow signal --input}); {@code
 * --canonical} prints only the text to sign by hand.
 */
abstract class DecideCommand implements Callable<Integer> {
  static final String KEY_ENV = "DR_SIGNING_KEY";

  @Mixin GlobalOptions global;

  @Parameters(index = "0", paramLabel = "INCIDENT", description = "e.g. INC-42")
  String incident;

  @Option(names = "--as", required = true, description = "Your approver name, as in the plan.")
  String approver;

  @Option(names = "--step", description = "Which pending decision (needed when several wait).")
  String step;

  @Option(names = "--comment", description = "Why; goes into the report (one line).")
  String comment;

  @Option(names = "--key", paramLabel = "KEY|agent", description = "Your SSH key: a private key"
      + " file, its .pub with the key in ssh-agent, or `agent` for the agent's key that the"
      + " plan lists for you (default: $" + KEY_ENV + ", else ~/.ssh/id_ed25519).")
  String key;

  @Option(names = "--expires", paramLabel = "DURATION", description = "How long the signed"
      + " decision stays valid (default: 1h).")
  String expires;

  @Option(names = "--print", description = "Print the signed decision as JSON instead of sending"
      + " it (paste it into the Web UI's Send a Signal, or temporal workflow signal --input).")
  boolean print;

  @Option(names = "--canonical", description = "Print only the text to sign (to sign it by hand"
      + " with ssh-keygen -Y sign -n dr-approval); sends nothing.")
  boolean canonical;

  @Option(names = "--unsigned", description = "Send the decision without a signature (only plans"
      + " with approvals.signatures: optional take it).")
  boolean unsigned;

  @Option(names = "--wait", paramLabel = "DURATION", description = "Wait up to DURATION (e.g."
      + " 5m) for the step to ask, instead of failing when nothing waits yet.")
  String waitFor;

  abstract Verdict verdict();

  /** The recovery's status once the step (or any step) waits, or at the --wait deadline. */
  private RecoveryStatus statusWhenAsked(RecoveryWorkflow wf) {
    RecoveryStatus status = wf.status();
    if (waitFor == null) {
      return status;
    }
    Instant deadline = Instant.now().plus(Durations.parse(waitFor));
    while (status.pending().stream().noneMatch(p -> step == null || p.step().equals(step))
        && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      status = wf.status();
    }
    return status;
  }

  @Override
  public Integer call() {
    Duration validity = expires == null ? PlanDefaults.SIGNATURE_VALIDITY
        : Durations.parse(expires);
    try (Temporal temporal = Temporal.connect(global)) {
      RecoveryWorkflow wf = RecoveryRuns.existing(temporal.client(), incident);
      RecoveryStatus status = statusWhenAsked(wf);
      Instant now = Instant.now();
      if (canonical) {
        PendingDecision p = RecoveryRuns.pending(status, step);
        Instant signedAt = Instant.ofEpochSecond(now.getEpochSecond());
        System.out.print(RecoveryRuns.canonical(status, p, approver, verdict(), comment, signedAt,
            signedAt.plus(validity)));
        return ExitCodes.OK;
      }
      SshKeygenSigner signer = unsigned ? null : signer();
      ApprovalDecision d = RecoveryRuns.decision(status, approver, verdict(), step, comment,
          signer, validity, now);
      if (print) {
        System.out.println(new String(Json.bytes(d), StandardCharsets.UTF_8));
        return ExitCodes.OK;
      }
      DecisionRecord r = wf.decide(d);
      SignedBy last = r.signedBy().isEmpty() ? null : r.signedBy().get(r.signedBy().size() - 1);
      System.out.printf("%s: %s by %s (level %d%s) recorded%s%n", r.step(), r.verdict(),
          r.approver(), r.level(), last == null || last.key() == null ? ", unsigned"
              : ", signed with " + last.key(),
          r.approvalsMissing() > 0 ? "; " + r.approvalsMissing() + " more approval(s) from"
              + " other approvers needed" : "");
      return ExitCodes.OK;
    } catch (WorkflowUpdateException e) {
      System.err.println("not accepted: " + Errors.innermost(e));
      return ExitCodes.FAILED;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return ExitCodes.FAILED;
    }
  }

  /** The key as {@code --key} names it (or its default). */
  private SshKeygenSigner signer() {
    String k = key != null ? key : System.getenv(KEY_ENV);
    if ("agent".equals(k)) {
      return SshKeygenSigner.fromAgent(planKeys(), Path.of(System.getProperty("java.io.tmpdir")));
    }
    Path file = k != null ? Path.of(k.replaceFirst("^~", System.getProperty("user.home")))
        : Path.of(System.getProperty("user.home"), ".ssh", "id_ed25519");
    if (k == null && !Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no signing key: give --key PATH (your SSH private key,"
          + " or its .pub with the key in ssh-agent), --key agent, or set " + KEY_ENV
          + " (looked for " + file + ")");
    }
    return SshKeygenSigner.withKey(file);
  }

  /** The approver's keys in this command's plan ("TYPE BASE64"); empty without a plan. */
  private List<String> planKeys() {
    try {
      var a = PlanLoader.load(global.planPath()).approvals();
      return a == null ? List.of() : a.signers().stream()
          .filter(s -> s.principals().contains(approver))
          .map(s -> s.keyType() + " " + s.key()).toList();
    } catch (PlanException e) {
      return List.of();
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approve the pending destructive step of a recovery (signed with your SSH"
          + " key).")
  static class Approve extends DecideCommand {
    @Override
    Verdict verdict() {
      return Verdict.APPROVE;
    }
  }

  @Command(name = "reject", mixinStandardHelpOptions = true,
      description = "Reject the pending destructive step: that part aborts, live data untouched.")
  static class Reject extends DecideCommand {
    @Override
    Verdict verdict() {
      return Verdict.REJECT;
    }
  }

  @Command(name = "decide", mixinStandardHelpOptions = true,
      description = "Answer a failed step: --verdict retry, skip or abort.")
  static class Decide extends DecideCommand {
    @Option(names = "--verdict", required = true, description = "retry, skip or abort")
    String verdict;

    @Override
    Verdict verdict() {
      return Verdict.valueOf(verdict.trim().toUpperCase(Locale.ROOT));
    }
  }
}
