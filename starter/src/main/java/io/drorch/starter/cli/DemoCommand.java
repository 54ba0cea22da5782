package io.drorch.starter.cli;

import io.drorch.starter.demo.LocalDrill;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "The full DR drill on embedded defaults: PostgreSQL, S3 and Temporal started"
        + " here, the sample application, database and file backups (listed, verified), a"
        + " simulated disaster, the recovery with its approvals, verification and the report.")
class DemoCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--dir", description = "Working directory of the local stack (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(".dr-local");

  @Option(names = "--scale", description = "Sample database size factor (default: ${DEFAULT-VALUE}).")
  int scale = 1;

  @Option(names = "--interactive", description = "Give the approvals yourself at the prompt.")
  boolean interactive;

  @Option(names = "--keep-running", description = "Keep the stack up after the demo (Ctrl-C stops it).")
  boolean keepRunning;

  @Option(names = "--verbose", description = "The worker's log on stderr, between the drill's"
      + " lines (default: in DIR/logs/worker.log).")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    boolean ok = new LocalDrill(dir, global.planPath(), scale, interactive, System.out)
        .verbose(verbose).run(keepRunning);
    return ok ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
