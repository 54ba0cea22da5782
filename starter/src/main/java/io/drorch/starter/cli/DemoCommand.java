package io.drorch.starter.cli;

import io.drorch.starter.demo.BackupDemo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run everything locally on embedded defaults: PostgreSQL, S3 and Temporal"
        + " started here, a sample database and uploads folder, a database and a file backup,"
        + " listed and verified.")
class DemoCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--dir", description = "Working directory of the local stack (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(".dr-local");

  @Option(names = "--scale", description = "Sample database size factor (default: ${DEFAULT-VALUE}).")
  int scale = 1;

  @Option(names = "--keep-running", description = "Keep the stack up after the demo (Ctrl-C stops it).")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    boolean ok = new BackupDemo(dir, global.planPath(), scale, System.out).run(keepRunning);
    return ok ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
