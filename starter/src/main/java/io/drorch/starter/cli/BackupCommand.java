package io.drorch.starter.cli;

import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.backup.BackupTable;
import io.drorch.starter.console.Terminal;
import io.drorch.starter.console.Waiting;
import io.drorch.workflows.contracts.values.BackupResult;
import io.temporal.client.WorkflowStub;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
    description = "Take a backup now (a worker must be running: `dr worker`).",
    subcommands = {BackupCommand.Database.class, BackupCommand.Files.class,
        BackupCommand.Base.class})
class BackupCommand {

  abstract static class Start implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Option(names = "--wait", description = "Wait for the backup to finish and print it.")
    boolean await;

    @Option(names = "--requested-by", description = "Who asks (default: $USER).")
    String requestedBy = System.getProperty("user.name");

    abstract WorkflowStub start(Temporal temporal);

    abstract String kind();

    @Override
    public Integer call() {
      try (Temporal temporal = Temporal.connect(global)) {
        WorkflowStub run = start(temporal);
        String id = run.getExecution().getWorkflowId();
        System.out.println("started " + id);
        if (!await) {
          System.out.println("follow it in the Temporal Web UI, or: temporal workflow show -w " + id);
          return ExitCodes.OK;
        }
        BackupResult r = Waiting.results(temporal.client(), Terminal.stdout(),
            Map.of(kind(), run), BackupResult.class).get(0);
        System.out.printf("backup %s committed: %s (%s, sha256 %s)%n", r.backupId(), r.dataKey(),
            BackupTable.human(r.sizeBytes()), r.sha256());
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "database", mixinStandardHelpOptions = true,
      description = "pg_dump the worker's plan database to S3, then write its manifest.")
  static class Database extends Start {
    @Override
    WorkflowStub start(Temporal temporal) {
      return BackupRuns.startDatabase(temporal.client(), global.taskQueue(), requestedBy);
    }

    @Override
    String kind() {
      return "database";
    }
  }

  @Command(name = "files", mixinStandardHelpOptions = true,
      description = "Archive the worker's plan uploads directory (tar.gz) to S3 with a per-file"
          + " listing.")
  static class Files extends Start {
    @Override
    WorkflowStub start(Temporal temporal) {
      return BackupRuns.startFiles(temporal.client(), global.taskQueue(), requestedBy);
    }

    @Override
    String kind() {
      return "files";
    }
  }

  @Command(name = "base", mixinStandardHelpOptions = true,
      description = "A pgBackRest base backup (point-in-time recovery, database.pitr) on the"
          + " database host's worker, recorded in the catalog as kind BASE with its WAL range.")
  static class Base extends Start {
    @Option(names = "--type", description = "full or diff (default: ${DEFAULT-VALUE}).")
    String type = "diff";

    @Override
    WorkflowStub start(Temporal temporal) {
      if (!type.equals("full") && !type.equals("diff")) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
            "--type must be full or diff, not '" + type + "'");
      }
      return BackupRuns.startBase(temporal.client(), global.taskQueue(), type, requestedBy);
    }

    @Override
    String kind() {
      return "base";
    }
  }
}
