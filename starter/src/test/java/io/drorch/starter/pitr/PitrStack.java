package io.drorch.starter.pitr;

import io.drorch.activities.pitr.PitrSetup;
import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.local.LocalPitr;
import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.worker.WorkerSecrets;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.values.PitrCheck;
import io.drorch.workflows.contracts.values.PitrStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * One PostgreSQL cluster with WAL archiving set up by {@code dr pitr setup} (the statements it
 * prints, run as printed), pgBackRest and the S3 server over TLS, shared by the PITR tests of
 * this module (started once per JVM, beside {@link TestStack}'s Temporal dev server).
 */
public final class PitrStack {
  static final String DATABASE = "pitr_app";
  private static PitrStack instance;

  public final TestStack stack;
  public final LocalPitr pitr;
  public final Path uploads;

  private PitrStack(TestStack stack, LocalPitr pitr, Path uploads) {
    this.stack = stack;
    this.pitr = pitr;
    this.uploads = uploads;
  }

  public static synchronized PitrStack get() throws Exception {
    if (instance == null) {
      TestStack stack = TestStack.get();
      Path dir = stack.dir.resolve("pitr");
      LocalPitr pitr = LocalPitr.start(dir, "e2e", "pitr-e2e");
      Runtime.getRuntime().addShutdownHook(new Thread(pitr::close, "pitr-stack-stop"));
      SampleApplication.createDatabase(pitr.postgres(), DATABASE, 1);
      Path uploads = dir.resolve("uploads");
      SampleApplication.createUploads(uploads, 10);
      instance = new PitrStack(stack, pitr, uploads);
      instance.setUp();
    }
    return instance;
  }

  /** {@code dr pitr setup}, the statements it prints, a restart, setup again: all ok. */
  private void setUp() throws Exception {
    AwsBasicCredentials keys = AwsBasicCredentials.create(pitr.s3().accessKey(),
        pitr.s3().secretKey());
    Optional<String> password = Optional.of(pitr.postgres().password());
    PitrStatus first = PitrSetup.setup(pitr.database(DATABASE), pitr.storage("ai-docs"), keys,
        password);
    List<String> statements = new ArrayList<>();
    for (PitrCheck c : first.checks()) {
      if (!c.ok() && c.fix().startsWith("ALTER SYSTEM")) {
        for (String part : c.fix().split(";")) {
          String s = part.strip();
          if (s.startsWith("ALTER SYSTEM") || s.startsWith("SELECT pg_reload_conf()")) {
            statements.add(s);
          }
        }
      }
    }
    pitr.sql(statements);
    pitr.postgres().restart();
    PitrStatus second = PitrSetup.setup(pitr.database(DATABASE), pitr.storage("ai-docs"), keys,
        password);
    if (!second.ok()) {
      throw new IllegalStateException("pitr setup failed: " + second.checks());
    }
  }

  /** The tests' plan (TestStack's approvers and levels) for this cluster, with database.pitr. */
  public DrPlan plan() {
    return stack.plan(pitr.database(DATABASE), new FilesTarget(uploads.toString()),
        pitr.storage("ai-docs"));
  }

  /** The worker's secrets: this cluster's password and this S3 server's keys. */
  public WorkerSecrets secrets() {
    return new WorkerSecrets(DatabaseCredentials.fixed(pitr.postgres().password()),
        pitr.s3().credentials());
  }
}
