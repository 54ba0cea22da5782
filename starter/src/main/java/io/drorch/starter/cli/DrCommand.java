package io.drorch.starter.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code dr}: the DR Orchestrator's command line. */
@Command(
    name = "dr",
    mixinStandardHelpOptions = true,
    version = "dr 0.1.0",
    description = "DR Orchestrator: backups, recoveries and approvals as durable Temporal workflows.",
    subcommands = {
      DemoCommand.class,
      LocalCommand.class,
      PlanCommand.class,
      StorageCommand.class,
      PitrCommand.class,
      RpoCommand.class,
      BackupCommand.class,
      BackupsCommand.class,
      SchedulesCommand.class,
      RecoverCommand.class,
      RecoveriesCommand.class,
      DecideCommand.Approve.class,
      DecideCommand.Reject.class,
      DecideCommand.Decide.class,
      EscalateCommand.class,
      StatusCommand.class,
      ReportCommand.class,
      ReportsCommand.class,
      DrillCommand.class,
      DrillsCommand.class,
      PostmortemCommand.class,
      CleanupCommand.class,
      WorkerCommand.class,
      CodecServerCommand.class,
      TemporalCommand.class,
      BenchCommand.class,
      SampleCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 operation failed, 2 usage error, 3 invalid plan,",
      "            4 Temporal, S3 or PostgreSQL unreachable."
    })
public class DrCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new DrCommand());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + Errors.describe(e));
          return ExitCodes.of(e);
        });
    return cli;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
