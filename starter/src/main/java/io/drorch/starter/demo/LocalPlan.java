package io.drorch.starter.demo;

import io.drorch.starter.local.LocalPostgres;
import io.drorch.workflows.plan.DatabaseTarget;
import io.drorch.workflows.plan.DrPlan;
import io.drorch.workflows.plan.FilesTarget;
import io.drorch.workflows.plan.StorageTarget;
import java.nio.file.Path;

/**
 * The example plan pointed at the local stack: its objectives, schedules, escalation and
 * notifications as written, its database, uploads and bucket replaced by the local ones.
 */
public final class LocalPlan {
  public static final String DATABASE = "ai_docs";
  public static final String BUCKET = "dr-backups";

  private LocalPlan() {}

  public static DrPlan of(DrPlan example, LocalPostgres pg, String s3Endpoint, Path uploads) {
    DatabaseTarget db = new DatabaseTarget(pg.host(), pg.port(), DATABASE, pg.superuser(),
        example.database().migrations(), example.database().compression());
    StorageTarget st = example.storage();
    StorageTarget local = new StorageTarget(BUCKET, st.prefix(), "us-east-1", s3Endpoint, true,
        st.retentionDays(), st.versioning(), st.noncurrentVersionDays());
    return new DrPlan(example.application(), example.objectives(), db,
        new FilesTarget(uploads.toAbsolutePath().toString()), local, example.schedules(),
        example.escalation(), example.notifications(),
        example.deployment(), example.recovery());
  }
}
