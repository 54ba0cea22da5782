package io.drorch.starter.cli;

import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.contracts.commands.EscalateRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "escalate", mixinStandardHelpOptions = true,
    description = "Escalate every pending decision of a recovery one level now.")
class EscalateCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Parameters(index = "0", paramLabel = "INCIDENT")
  String incident;

  @Option(names = "--as", description = "Who escalates (default: $USER).")
  String by = System.getProperty("user.name");

  @Option(names = "--reason", description = "Why.")
  String reason;

  @Override
  public Integer call() {
    try (Temporal temporal = Temporal.connect(global)) {
      RecoveryRuns.existing(temporal.client(), incident).escalate(new EscalateRequest(by, reason));
      System.out.println("escalation sent to recovery-" + incident);
      return ExitCodes.OK;
    }
  }
}
