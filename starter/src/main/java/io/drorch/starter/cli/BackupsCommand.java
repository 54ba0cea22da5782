package io.drorch.starter.cli;

import io.drorch.activities.storage.BackupVerifier;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.starter.backup.BackupTable;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.BackupCatalog;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.VerifyBackupResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "backups", mixinStandardHelpOptions = true,
    description = "Inspect the backups in S3 (reads S3 directly with your AWS credentials).",
    subcommands = {BackupsCommand.ListBackups.class, BackupsCommand.Verify.class})
class BackupsCommand {

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List backups from their manifests, newest first, with their validity.")
  static class ListBackups implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Option(names = "--kind", description = "Only this kind: ${COMPLETION-CANDIDATES}.")
    BackupKind kind;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      DrPlan plan = global.loadPlan();
      try (S3Clients s3 = S3Clients.withDefaultCredentials()) {
        BackupCatalog catalog = StorageActivitiesImpl.catalog(s3.store(plan.storage()));
        var backups = BackupTable.filter(catalog, kind);
        if (json) {
          BackupTable.printJson(backups, System.out);
        } else {
          BackupTable.print(backups, catalog.orphans().size(), System.out);
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Re-read a backup from S3 and check its size and SHA-256 against its manifest"
          + " (exit 1 if it is not valid).")
  static class Verify implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "BACKUP_ID", description = "e.g. db-20261126T020000Z-3f9a1c")
    String backupId;

    @Override
    public Integer call() {
      DrPlan plan = global.loadPlan();
      try (S3Clients s3 = S3Clients.withDefaultCredentials()) {
        VerifyBackupResult r = new BackupVerifier(s3.store(plan.storage()), b -> {}).verify(backupId);
        if (r.valid()) {
          System.out.printf("%s VALID: %s, %d bytes, sha256 %s%n", r.backupId(), r.dataKey(),
              r.actualSize(), r.actualSha256());
          return ExitCodes.OK;
        }
        System.out.printf("%s INVALID: %s%n", r.backupId(), r.problem());
        return ExitCodes.FAILED;
      }
    }
  }
}
