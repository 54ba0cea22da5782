package io.drorch.starter.demo;

import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.activities.storage.BackupVerifier;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.activities.storage.StorageSetup;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.backup.BackupTable;
import io.drorch.starter.local.LocalPostgres;
import io.drorch.starter.local.LocalS3;
import io.drorch.starter.local.LocalTemporal;
import io.drorch.starter.local.SampleApplication;
import io.drorch.starter.plan.PlanLoader;
import io.drorch.starter.schedules.ScheduleSync;
import io.drorch.worker.DrWorker;
import io.drorch.worker.WorkerSecrets;
import io.drorch.workflows.backup.BackupResult;
import io.drorch.workflows.plan.DrPlan;
import io.drorch.workflows.storage.BackupCatalog;
import io.drorch.workflows.storage.VerifyBackupResult;
import io.temporal.client.WorkflowStub;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The main job on embedded defaults: a local PostgreSQL with the sample application's database,
 * a sample uploads folder, a local S3 server and Temporal; then a database and a file backup
 * through the real workflows, listed and verified.
 */
public final class BackupDemo {
  private final Path dir;
  private final Path planFile;
  private final int scale;
  private final PrintStream out;

  public BackupDemo(Path dir, Path planFile, int scale, PrintStream out) {
    this.dir = dir;
    this.planFile = planFile;
    this.scale = scale;
    this.out = out;
  }

  /** Runs the demo; with {@code keepRunning} waits (Ctrl-C) so the Web UI can be explored. */
  public boolean run(boolean keepRunning) throws Exception {
    DrPlan example = PlanLoader.load(planFile);
    Instant t0 = Instant.now();
    step("starting the local stack in " + dir.toAbsolutePath());
    try (LocalPostgres pg = LocalPostgres.start(dir.resolve("postgres"));
        LocalS3 s3 = LocalS3.start(dir.resolve("s3"));
        LocalTemporal temporal = LocalTemporal.start(dir.resolve("temporal"))) {
      out.printf("  PostgreSQL %s:%d, S3 %s, Temporal %s (%s)%n", pg.host(), pg.port(),
          s3.endpoint(), temporal.target(),
          temporal.realServer() ? "temporal server start-dev" : "Java test server, no Web UI");
      temporal.uiUrl().ifPresent(u -> out.println("  Temporal Web UI: " + u));

      step("creating the sample application: database '" + LocalPlan.DATABASE + "' and uploads");
      SampleApplication.createDatabase(pg, LocalPlan.DATABASE, scale);
      Path uploads = dir.resolve("uploads");
      SampleApplication.createUploads(uploads, 200);
      DrPlan plan = LocalPlan.of(example, pg, s3.endpoint(), uploads);

      step("dr storage init");
      try (S3Clients clients = new S3Clients(s3.credentials())) {
        for (StorageSetup.Step s : StorageSetup.init(clients.client(plan.storage()), plan.storage())) {
          out.printf("  %-11s %-11s %s%n", s.name(), s.outcome(), s.detail());
        }

        WorkerSecrets secrets =
            new WorkerSecrets(DatabaseCredentials.fixed(pg.password()), s3.credentials());
        try (DrWorker worker = DrWorker.start(temporal.client(), secrets)) {
          step("dr backup database --wait   and   dr backup files --wait");
          WorkflowStub db = BackupRuns.startDatabase(temporal.client(), plan, "demo");
          WorkflowStub files = BackupRuns.startFiles(temporal.client(), plan, "demo");
          BackupResult dbResult = BackupRuns.await(db);
          BackupResult filesResult = BackupRuns.await(files);
          for (BackupResult r : new BackupResult[] {dbResult, filesResult}) {
            out.printf("  %s committed: %s (%s)%n", r.backupId(), r.dataKey(),
                BackupTable.human(r.sizeBytes()));
          }

          if (temporal.realServer()) {
            step("dr schedules apply");
            ScheduleSync.apply(
                    io.temporal.client.schedules.ScheduleClient.newInstance(temporal.service()),
                    plan, "schedule")
                .forEach(a -> out.printf("  %-20s %-8s %s%n", a.scheduleId(), a.action(), a.cron()));
          }

          step("dr backups list");
          BackupCatalog catalog = StorageActivitiesImpl.catalog(clients.store(plan.storage()));
          BackupTable.print(catalog.backups(), catalog.orphans().size(), out);

          step("dr backups verify (re-read from S3, size + SHA-256)");
          boolean allValid = true;
          for (BackupResult r : new BackupResult[] {dbResult, filesResult}) {
            VerifyBackupResult v =
                new BackupVerifier(clients.store(plan.storage()), b -> {}).verify(r.backupId());
            out.printf("  %s %s%n", r.backupId(), v.valid() ? "VALID" : "INVALID: " + v.problem());
            allValid &= v.valid();
          }
          out.printf("%ndone in %d s: %s%n", Duration.between(t0, Instant.now()).toSeconds(),
              allValid ? "both backups are valid" : "SOME BACKUPS ARE NOT VALID");
          if (keepRunning) {
            out.println("the stack keeps running; press Ctrl-C to stop");
            Thread.currentThread().join();
          }
          return allValid;
        }
      }
    }
  }

  private void step(String what) {
    out.println();
    out.println("== " + what);
  }
}
