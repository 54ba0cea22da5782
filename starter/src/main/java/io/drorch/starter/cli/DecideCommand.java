package io.drorch.starter.cli;

import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Verdict;
import io.temporal.client.WorkflowUpdateException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dr approve|reject|decide INCIDENT --as NAME}: sends a decision as a Workflow Update, so
 * the answer says at once whether it counted (and why not).
 */
abstract class DecideCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Parameters(index = "0", paramLabel = "INCIDENT", description = "e.g. INC-42")
  String incident;

  @Option(names = "--as", required = true, description = "Your approver name, as in the plan.")
  String approver;

  @Option(names = "--step", description = "Which pending decision (needed when several wait).")
  String step;

  @Option(names = "--comment", description = "Why; goes into the report.")
  String comment;

  abstract Verdict verdict();

  @Override
  public Integer call() {
    try (Temporal temporal = Temporal.connect(global)) {
      DecisionRecord r = RecoveryRuns.decide(temporal.client(), incident, approver, verdict(), step,
          comment);
      System.out.printf("%s: %s by %s (level %d) recorded%n", r.step(), r.verdict(), r.approver(),
          r.level());
      return ExitCodes.OK;
    } catch (WorkflowUpdateException e) {
      System.err.println("not accepted: " + Errors.innermost(e));
      return ExitCodes.FAILED;
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approve the pending destructive step of a recovery.")
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
