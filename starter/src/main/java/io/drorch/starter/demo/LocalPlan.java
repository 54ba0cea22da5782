package io.drorch.starter.demo;

import io.drorch.local.LocalPostgres;
import io.drorch.local.SampleApplication;
import io.drorch.workflows.contracts.plan.ApplicationTarget;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DeployHook;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.EnvironmentSource;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.HealthCheck;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The example plan pointed at the local stack: its objectives, schedules, escalation and
 * notifications as written; its database, uploads, bucket and application replaced by the local
 * ones; its approvers' keys the ones the drill made (signatures required, as in the example).
 * The database's migrations include {@code sample/db/pending}, so a recovery of a backup taken
 * before them has pending migrations to apply.
 */
public final class LocalPlan {
  public static final String DATABASE = "ai_docs";
  public static final String BUCKET = "dr-backups";
  public static final String ENV_KEY = "config/ai-docs.env";

  private LocalPlan() {}

  public static DrPlan of(DrPlan example, LocalPostgres pg, String s3Endpoint, Path uploads,
      DemoApplication app, Path dir, ApproverKeys keys) {
    String migrations = "filesystem:" + SampleApplication.migrationsDir() + ",filesystem:"
        + SampleApplication.pendingMigrationsDir();
    DatabaseTarget db = new DatabaseTarget(pg.host(), pg.port(), DATABASE, pg.superuser(),
        migrations, example.database().compression());
    StorageTarget st = example.storage();
    StorageTarget local = new StorageTarget(BUCKET, st.prefix(), "us-east-1", s3Endpoint, true,
        st.retentionDays(), st.versioning(), st.noncurrentVersionDays());
    ApplicationTarget application = new ApplicationTarget(
        new DeployHook(null, app.url("/deploy"), "POST", Duration.ofMinutes(1)),
        new EnvironmentSource("s3:" + ENV_KEY, dir.resolve("app/app.env").toAbsolutePath().toString()),
        new HealthCheck(app.url("/health"), 200, Duration.ofMinutes(2), Duration.ofSeconds(1)),
        Duration.ofSeconds(5));
    RecoverySettings recovery = new RecoverySettings(
        dir.resolve("work").toAbsolutePath().toString(), 2,
        List.of("SELECT count(*) > 0 FROM users"), OnUnanswered.REMIND, Duration.ofHours(1));
    return new DrPlan(example.application(), example.objectives(), db,
        new FilesTarget(uploads.toAbsolutePath().toString()), local, example.schedules(),
        example.escalation(),
        new NotificationSettings(example.notifications().progressInterval(), List.of(
            new NotificationChannel("log", null), new NotificationChannel("webhook", app.url("/notify"))),
            example.contacts()),
        application, recovery,
        keys.approvals(example.approvals() != null && example.approvals().requesterMayApprove(),
            example.approvals() == null ? java.util.Map.of() : example.approvals().minApprovers()))
        // the demo backs up and recovers at once: no restore test running beside the recovery
        .withDrills(new io.drorch.workflows.contracts.plan.DrillSettings(null, null,
            io.drorch.workflows.contracts.plan.VerifyByRestore.OFF));
  }

  /** Every approver named in the plan's escalation levels, in order. */
  public static List<String> approvers(DrPlan plan) {
    return plan.escalation().stream().flatMap(l -> l.approvers().stream()).distinct().toList();
  }
}
