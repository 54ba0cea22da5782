package io.drorch.starter.cli;

import io.drorch.activities.common.Json;
import io.drorch.activities.report.ReportMarkdown;
import io.drorch.starter.console.Terminal;
import io.drorch.starter.recovery.RecoveryFollower;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.queries.RecoveryStatus;
import io.drorch.workflows.contracts.values.DecisionRecord;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.PhaseRecord;
import io.drorch.workflows.contracts.values.RefusedDecision;
import io.drorch.workflows.contracts.values.SignedBy;
import io.drorch.workflows.contracts.values.RecoveryReport;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Phase, steps, pending decision and its level, time left to the RTO, the plan"
        + " the worker runs it on, refused decisions; with --follow, live until the recovery ends.")
class StatusCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Parameters(index = "0", paramLabel = "INCIDENT", arity = "0..1",
      description = "The incident (not with --rpo).")
  String incident;

  @Option(names = "--rpo", description = "The RPO watch instead of a recovery: the age of the"
      + " newest archived WAL and backups against the RPOs, and open breaches (as `dr rpo`).")
  boolean rpo;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--follow", description = "Follow the recovery until it ends: finished steps"
      + " and decisions as lines, what runs now with the time elapsed and left to the RTO as a"
      + " progress line (in place on a terminal, plain lines when piped). Exit code 0 when it"
      + " ends RECOVERED, 1 otherwise. Ctrl-C stops following, never the recovery.")
  boolean follow;

  @Override
  public Integer call() throws InterruptedException {
    if (rpo) {
      return RpoCommand.show(global, false, json);
    }
    if (incident == null) {
      throw new IllegalArgumentException("name the incident (dr status INC-42), or use --rpo for"
          + " the RPO watch");
    }
    try (Temporal temporal = Temporal.connect(global)) {
      if (follow && !json) {
        return followToTheEnd(temporal, incident);
      }
      RecoveryStatus s = RecoveryRuns.existing(temporal.client(), incident).status();
      planWarning(s);
      if (json) {
        System.out.println(new String(Json.bytes(s), StandardCharsets.UTF_8));
        return ExitCodes.OK;
      }
      System.out.printf("recovery-%s: %s%s%n", s.incidentId(), s.phase(),
          s.outcome() == null ? "" : " (" + s.outcome() + ")");
      System.out.printf("plan sha256 %s (the worker's), run %s, requested by %s%n",
          s.planSha256() == null ? "- (not read yet)" : s.planSha256(), s.runId(),
          s.requestedBy());
      long left = s.secondsLeftToRto();
      if (s.rtoDeadline() != null) {
        System.out.printf("RTO deadline %s: %s%n", s.rtoDeadline(), left >= 0
            ? (left / 3600) + " h " + (left % 3600 / 60) + " min left"
            : "BREACHED " + (-left / 60) + " min ago");
      }
      for (PhaseRecord p : s.steps()) {
        System.out.printf("  %-22s %-8s %s%n", p.name(), p.state(), p.detail() == null ? "" : p.detail());
      }
      for (PendingDecision p : s.pending()) {
        System.out.printf("waiting: %s at %s (%s), escalates at %s%n  %s%n", p.step(),
            p.levelName(), String.join(", ", p.approvers()), p.escalatesAt(), p.description());
        if (p.backupId() != null || p.copyFingerprint() != null) {
          System.out.printf("  about backup %s, restored copy %s%n",
              p.backupId() == null ? "-" : p.backupId(),
              p.copyFingerprint() == null ? "-" : p.copyFingerprint());
        }
        if (p.approvalsNeeded() > 1) {
          System.out.printf("  approvals: %d of %d%s%n", p.approvedBy().size(),
              p.approvalsNeeded(), p.approvedBy().isEmpty() ? ""
                  : ": " + String.join(", ", p.approvedBy()));
        }
      }
      for (DecisionRecord d : s.decisions()) {
        System.out.printf("decided: %s %s by %s (level %d) at %s%s%s%n", d.step(), d.verdict(),
            d.approver(), d.level(), d.at(), d.comment() == null ? "" : ": " + d.comment(),
            signers(d));
      }
      for (RefusedDecision r : s.refused()) {
        System.out.printf("refused: %s %s claimed by %s via %s at %s: %s%n",
            r.step() == null ? "-" : r.step(), r.verdict() == null ? "-" : r.verdict(),
            r.approver() == null ? "-" : r.approver(), r.via(), r.at(), r.reason());
      }
      return ExitCodes.OK;
    }
  }

  /** Warns (stderr) when this command's plan file is not the plan the worker runs. */
  private void planWarning(RecoveryStatus s) {
    Optional<String> mine = global.planSha256();
    if (s.planSha256() != null && mine.isPresent() && !mine.get().equals(s.planSha256())) {
      System.err.printf("warning: your plan file %s (sha256 %s) is not the plan the worker runs"
          + " this recovery on (sha256 %s); the worker's plan is the one that counts%n",
          global.planPath(), mine.get(), s.planSha256());
    }
  }

  private static String signers(DecisionRecord d) {
    if (d.signedBy() == null || d.signedBy().isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder(" [");
    for (SignedBy by : d.signedBy()) {
      if (b.length() > 2) {
        b.append("; ");
      }
      b.append(by.approver()).append(by.key() == null ? " unsigned" : " " + by.key());
    }
    return b.append(']').toString();
  }

  /** Follows on stdout until the end; prints the outcome; 0 when RECOVERED, else 1. */
  static int followToTheEnd(Temporal temporal, String incident) throws InterruptedException {
    Terminal term = Terminal.stdout();
    term.line("following recovery-" + incident + " until it ends (Ctrl-C stops following, not"
        + " the recovery)");
    RecoveryReport r = new RecoveryFollower(temporal.client(), incident, term).follow(null);
    boolean ok = r.outcome() == Outcome.RECOVERED;
    String summary = ReportMarkdown.summary(r)
        + (r.markdownKey() == null ? "" : "; report " + r.markdownKey());
    term.line(ok ? term.green(summary) : term.red(summary));
    return ok ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
