package io.drorch.starter.cli;

import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "recover", mixinStandardHelpOptions = true,
    description = "Start the recovery of an incident (workflow recovery-INCIDENT): newest valid"
        + " backups, restores behind approvals, RTO tracking, report. A worker must be running:"
        + " its plan (not this command's) names approvers, databases, paths and hooks.")
class RecoverCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--incident", required = true, description = "Incident id, e.g. INC-42.")
  String incident;

  @Option(names = "--scope", split = ",", defaultValue = "database,files,application",
      converter = ScopeConverter.class,
      description = "What to recover: database, files, application (default: ${DEFAULT-VALUE}).")
  List<RecoveryScope> scope;

  @Option(names = "--tier", defaultValue = "critical", converter = TierConverter.class,
      description = "critical or non-critical: selects the RTO (default: ${DEFAULT-VALUE}).")
  Tier tier;

  @Option(names = "--as-of", description = "Restore the newest valid backups taken at or before"
      + " this time (ISO-8601, e.g. 2026-11-26T02:00:00Z).")
  Instant asOf;

  @Option(names = "--incident-at", description = "When the incident happened (default: now);"
      + " RTO and RPO are measured from it.")
  Instant incidentAt;

  @Option(names = "--requested-by", description = "Who starts it (default: $USER).")
  String requestedBy = System.getProperty("user.name");

  @Option(names = "--follow", description = "Show live progress until the recovery ends.")
  boolean follow;

  @Override
  public Integer call() throws Exception {
    try (Temporal temporal = Temporal.connect(global)) {
      RecoveryRuns.start(temporal.client(), global.taskQueue(), incident, scope, tier, asOf,
          incidentAt, requestedBy);
      System.out.println("started recovery-" + incident + " (" + scope + ", " + tier + ") on"
          + " task queue " + global.taskQueue() + ": the worker there recovers with its own plan");
      System.out.println("approve with: dr approve " + incident + " --as NAME");
      if (!follow) {
        System.out.println("follow with:  dr status " + incident + " --follow");
        return ExitCodes.OK;
      }
      return StatusCommand.followToTheEnd(temporal, incident);
    }
  }

  static final class ScopeConverter implements picocli.CommandLine.ITypeConverter<RecoveryScope> {
    @Override
    public RecoveryScope convert(String value) {
      return RecoveryScope.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  static final class TierConverter implements picocli.CommandLine.ITypeConverter<Tier> {
    @Override
    public Tier convert(String value) {
      return Tier.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }
}
