package io.drorch.starter.cli;

import io.drorch.activities.pitr.PitrSetup;
import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.PitrCheck;
import io.drorch.workflows.contracts.values.PitrStatus;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

@Command(name = "pitr", mixinStandardHelpOptions = true,
    description = "Point-in-time recovery with pgBackRest (run on the database host).",
    subcommands = {PitrCommand.Setup.class, PitrCommand.Status.class})
class PitrCommand {

  @Command(name = "setup", mixinStandardHelpOptions = true,
      description = "Write the pgBackRest configuration (S3 keys from the AWS default credential"
          + " chain, mode 600), create the stanza in the plan's bucket under PREFIX/pgbackrest,"
          + " check archive_mode, archive_command, archive_timeout, wal_level and `pgbackrest"
          + " check`, and print exactly what to change on the server for each one missing."
          + " Idempotent.")
  static class Setup implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Override
    public Integer call() {
      DrPlan plan = global.loadPlan();
      requirePitr(plan);
      try (DefaultCredentialsProvider aws = DefaultCredentialsProvider.builder().build()) {
        PitrStatus s = PitrSetup.setup(plan.database(), plan.storage(), aws.resolveCredentials(),
            DatabaseCredentials.fromEnvironment().password(plan.database()));
        return print(s, System.out);
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "The same checks as setup, changing nothing; the stanza's base backups and"
          + " the WAL range in the archive.")
  static class Status implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Override
    public Integer call() {
      DrPlan plan = global.loadPlan();
      requirePitr(plan);
      PitrStatus s = PitrSetup.status(plan.database(), plan.storage(),
          DatabaseCredentials.fromEnvironment().password(plan.database()));
      return print(s, System.out);
    }
  }

  static void requirePitr(DrPlan plan) {
    if (plan.database() == null || plan.database().pitr() == null) {
      throw new IllegalArgumentException("the plan has no database.pitr section: add one (see"
          + " README, 'Point-in-time recovery': data-directory at least) and run `dr pitr setup`");
    }
  }

  static int print(PitrStatus s, PrintStream out) {
    out.println("stanza " + s.stanza() + " in " + s.repository() + " (config " + s.configFile()
        + ")");
    for (PitrCheck c : s.checks()) {
      out.printf("%-4s %-17s %s%n", c.ok() ? "ok" : "FIX", c.name(), c.found());
      if (!c.ok()) {
        out.println("     change: " + c.fix());
      }
    }
    if (s.archiveMin() != null) {
      out.println("WAL archive: " + s.archiveMin() + " .. " + s.archiveMax());
    }
    s.backups().forEach(b -> out.println("base backup: " + b));
    out.println(s.ok() ? "point-in-time recovery is set up"
        : "point-in-time recovery is NOT set up: apply the changes above and run `dr pitr setup`"
            + " again");
    return s.ok() ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
