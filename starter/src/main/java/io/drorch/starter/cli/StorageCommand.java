package io.drorch.starter.cli;

import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageSetup;
import io.drorch.workflows.contracts.plan.DrPlan;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "storage", mixinStandardHelpOptions = true,
    description = "Prepare the backup bucket.", subcommands = StorageCommand.Init.class)
class StorageCommand {

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Create the bucket if missing (with Object Lock when the plan has"
          + " storage.object-lock), enable versioning, set the Object Lock default retention, add"
          + " the lifecycle rule. Steps the S3 server does not support are reported and skipped.")
  static class Init implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Override
    public Integer call() {
      DrPlan plan = global.loadPlan();
      try (S3Clients s3 = S3Clients.withDefaultCredentials()) {
        List<StorageSetup.Step> steps = StorageSetup.init(s3.client(plan.storage()), plan.storage());
        steps.forEach(s -> System.out.printf("%-11s %-11s %s%n", s.name(), s.outcome(), s.detail()));
        if (steps.stream().anyMatch(s -> s.outcome() == StorageSetup.Outcome.UNREACHABLE)) {
          return ExitCodes.UNAVAILABLE;
        }
        return steps.stream().anyMatch(s -> s.outcome() == StorageSetup.Outcome.FAILED)
            ? ExitCodes.FAILED : ExitCodes.OK;
      }
    }
  }
}
