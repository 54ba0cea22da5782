package io.drorch.starter;

import io.drorch.activities.plan.AllowedSigners;
import io.drorch.activities.plan.PlanSource;
import io.drorch.activities.plan.PlanWriter;
import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.activities.storage.S3Clients;
import io.drorch.local.LocalPostgres;
import io.drorch.local.LocalS3;
import io.drorch.local.LocalTemporal;
import io.drorch.local.SampleApplication;
import io.drorch.starter.demo.ApproverKeys;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.starter.recovery.SshKeygenSigner;
import io.drorch.worker.DrWorker;
import io.drorch.worker.WorkerSecrets;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.plan.Objectives;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.plan.ScheduleSettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real parts the end-to-end tests run against, started once per test JVM (surefire runs one
 * fork): PostgreSQL, the S3 server, the Temporal dev server (`temporal server start-dev`; the
 * tests fail, not skip, when its CLI is missing), and an Ed25519 key per approver. A worker is
 * bound to one plan, so each test that needs its own plan (database, bucket, uploads) starts its
 * own in-process worker on a task queue of its own: {@link #worker(DrPlan)}.
 */
public final class TestStack {
  /** The approvers of the tests' plans; bob is a second level-1 approver (four eyes). */
  public static final List<String> APPROVERS = List.of("alice", "bob", "dana", "carol", "erin");

  private static TestStack instance;
  private static final AtomicInteger QUEUES = new AtomicInteger();

  public final Path dir;
  public final LocalPostgres pg;
  public final LocalS3 s3;
  public final LocalTemporal temporal;
  public final S3Clients clients;
  public final ApproverKeys keys;
  /** The approvers' public keys as an allowed_signers file (for plans made from dr-plan.yaml). */
  public final Path allowedSigners;
  private boolean closed;

  private TestStack(Path dir) throws Exception {
    this.dir = dir;
    pg = LocalPostgres.start(dir.resolve("postgres"));
    s3 = LocalS3.start(dir.resolve("s3"));
    temporal = LocalTemporal.startRealServer(dir.resolve("temporal"));
    clients = new S3Clients(s3.credentials());
    keys = ApproverKeys.in(dir.resolve("keys"), APPROVERS);
    allowedSigners = dir.resolve("keys/allowed_signers");
    Files.writeString(allowedSigners, String.join("\n", keys.allowedSigners().stream()
        .map(AllowedSigners::format).toList()) + "\n");
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "test-stack-stop"));
  }

  /** The worker's secrets for this stack: the database password and the S3 keys. */
  public WorkerSecrets secrets() {
    return new WorkerSecrets(DatabaseCredentials.fixed(pg.password()), s3.credentials());
  }

  /**
   * A started in-process worker bound to {@code plan} (written to a file of its own) on a task
   * queue of its own, against this stack's Temporal; close it at the end of the test.
   */
  public LocalWorker worker(DrPlan plan) {
    return worker(plan, temporal.client());
  }

  /** {@link #worker(DrPlan)} against another Temporal server. */
  public LocalWorker worker(DrPlan plan, io.temporal.client.WorkflowClient client) {
    String queue = "dr-test-" + QUEUES.incrementAndGet();
    return LocalWorker.start(client, secrets(), plan, dir.resolve("plans/" + queue + "/dr-plan.yaml"),
        queue);
  }

  /** A worker bound to an existing plan file (e.g. dr-plan.yaml with this stack's values). */
  public DrWorker worker(Path planFile) {
    return DrWorker.start(temporal.client(), secrets(), PlanSource.file(planFile),
        "dr-test-" + QUEUES.incrementAndGet());
  }

  /** {@code plan} written as a plan file (with its allowed_signers) for a worker process. */
  public Path planFile(DrPlan plan, String name) throws java.io.IOException {
    return PlanWriter.write(plan, dir.resolve("plans/" + name + "/dr-plan.yaml"));
  }

  /** The signing key of an approver of the tests' plans. */
  public SshKeygenSigner signer(String approver) {
    return keys.signer(approver);
  }

  public static synchronized TestStack get() throws Exception {
    if (instance == null) {
      instance = new TestStack(Files.createTempDirectory("dr-e2e-"));
    }
    return instance;
  }

  /**
   * A stack of its own (PostgreSQL, S3 server, Temporal dev server), not shared with other test
   * classes: for tests that stop and restart its parts (the fault suite). Close it at the end.
   */
  public static TestStack isolated(String name) throws Exception {
    return new TestStack(Files.createTempDirectory("dr-" + name + "-"));
  }

  /** A plan for this stack: a fresh sample database and uploads folder, and the given bucket. */
  public DrPlan samplePlan(String name, String bucket) throws Exception {
    SampleApplication.createDatabase(pg, name, 1);
    Path uploads = dir.resolve("uploads-" + name);
    SampleApplication.createUploads(uploads, 40);
    s3.createBucket(bucket);
    return plan(new DatabaseTarget(pg.host(), pg.port(), name, pg.superuser(), null, "gzip"),
        new FilesTarget(uploads.toString()), storage(bucket));
  }

  /** The tests' plan for these targets, its approvers' keys this stack's. */
  public DrPlan plan(DatabaseTarget db, FilesTarget files, StorageTarget storage) {
    return plan(db, files, storage, keys);
  }

  /** The plan with recovery settings for tests: its own work directory under the stack's. */
  public DrPlan withWorkDir(DrPlan plan, String name, List<String> integrityChecks) {
    return plan.withRecovery(new io.drorch.workflows.contracts.plan.RecoverySettings(
        dir.resolve("work-" + name).toString(), 2, integrityChecks, OnUnanswered.REMIND, Duration.ofHours(1)));
  }

  public StorageTarget storage(String bucket) {
    return new StorageTarget(bucket, "ai-docs", "us-east-1", s3.endpoint(), true, 30, true, 30);
  }

  static DrPlan plan(DatabaseTarget db, FilesTarget files, StorageTarget storage,
      ApproverKeys keys) {
    return new DrPlan("AI Docs Assistant",
        new Objectives(Duration.ofHours(4), Duration.ofHours(24), Duration.ofHours(1),
            Duration.ofHours(24)),
        db, files, storage,
        new ScheduleSettings("UTC", "0 2 * * *", "30 2 * * *", "0 4 * * *", Duration.ofHours(1)),
        List.of(
            new EscalationLevel(1, "Infrastructure Team", List.of("alice", "bob"),
                List.of("infra@example.com"), Duration.ofMinutes(30)),
            new EscalationLevel(2, "Development Team Lead", List.of("dana"), List.of(),
                Duration.ofMinutes(30)),
            new EscalationLevel(3, "CTO", List.of("carol"), List.of(), Duration.ofHours(1)),
            new EscalationLevel(4, "CEO", List.of("erin"), List.of(), Duration.ofHours(1))),
        new NotificationSettings(Duration.ofMinutes(15), List.of(new NotificationChannel("log", null))),
        null, null, keys.approvals(false, java.util.Map.of()))
        // tests that want verify-by-restore turn it on; the others back up without a restore test
        .withDrills(new io.drorch.workflows.contracts.plan.DrillSettings(null, null,
            io.drorch.workflows.contracts.plan.VerifyByRestore.OFF));
  }

  /**
   * Stops everything and deletes the stack's directory (databases, buckets, worker logs: about a
   * gigabyte on a shared disk) unless {@code DR_KEEP_TEST_DIR} is set, to look at it afterwards.
   */
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    clients.close();
    temporal.close();
    s3.close();
    pg.close();
    if (System.getenv("DR_KEEP_TEST_DIR") == null) {
      deleteTree(pgHolder(pg.dataDir()));
      deleteTree(dir);
    }
  }

  /** The /tmp/drorch-pgdata-* directory holding the cluster when LocalPostgres needed one. */
  public static Path pgHolder(Path dataDir) {
    try {
      Path real = dataDir.toRealPath();
      Path holder = real.getParent();
      return holder != null && holder.getFileName().toString().startsWith("drorch-pgdata-")
          && real.getFileName().toString().equals("data") ? holder : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** Deletes a test's directory tree (a stack leaves hundreds of MB behind otherwise). */
  public static void deleteTree(Path root) {
    if (root == null || !Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      System.err.println("TestStack: could not delete " + root + ": " + e);
    }
  }
}
