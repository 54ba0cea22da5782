package io.drorch.starter.cli;

import io.drorch.starter.demo.LocalDaemon;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "local", mixinStandardHelpOptions = true,
    description = {"A local stack you can drive: PostgreSQL, an S3 server, the Temporal dev server"
        + " with its Web UI, the sample application and a worker, in the background.",
        "`up` writes DIR/dr-plan.yaml and DIR/env: `source .dr-local/env`, then dr and the"
            + " temporal CLI use the stack."},
    subcommands = {LocalCommand.Up.class, LocalCommand.Down.class, LocalCommand.Status.class,
        LocalCommand.Serve.class})
class LocalCommand {

  abstract static class WithDir implements Callable<Integer> {
    @Option(names = "--dir", description = "Working directory of the local stack (default: ${DEFAULT-VALUE}).")
    Path dir = Path.of(".dr-local");

    LocalDaemon daemon() {
      return new LocalDaemon(dir, System.out);
    }
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Start the local stack in the background (nothing happens when it runs);"
          + " prints its addresses and how to use it.")
  static class Up extends WithDir {
    @Mixin GlobalOptions global;

    @Override
    public Integer call() throws Exception {
      return daemon().up(global.planPath()) ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Stop the local stack and every server it started, saying what was stopped;"
          + " its data stays in DIR.")
  static class Down extends WithDir {
    @Override
    public Integer call() throws Exception {
      daemon().down();
      return ExitCodes.OK;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Whether the local stack runs, its processes and addresses (exit 1: not running).")
  static class Status extends WithDir {
    @Override
    public Integer call() throws Exception {
      return daemon().status() ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  @Command(name = "serve", hidden = true,
      description = "The stack's background process (started by `dr local up`).")
  static class Serve extends WithDir {
    @Mixin GlobalOptions global;

    @Override
    public Integer call() throws Exception {
      daemon().serve(global.planPath());
      return ExitCodes.OK;
    }
  }
}
