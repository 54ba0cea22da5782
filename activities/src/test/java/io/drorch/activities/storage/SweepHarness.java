package io.drorch.activities.storage;

import io.drorch.activities.common.Json;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.backup.RetentionWorkflow;
import io.drorch.workflows.backup.RetentionWorkflowImpl;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.commands.Notification;
import io.drorch.workflows.contracts.commands.RetentionInput;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.FileBackupDetails;
import io.drorch.workflows.contracts.values.RestoreTestOutcome;
import io.drorch.workflows.contracts.values.RestoreVerdict;
import io.drorch.workflows.contracts.values.RetentionResult;
import io.drorch.workflows.notify.NotificationActivities;
import io.drorch.workflows.plan.PlanActivities;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The retention workflow on Temporal's in-process test server, with the real {@link
 * StorageActivitiesImpl} against a real S3 server through clients with a {@link FaultInjector}.
 * The workflow's clock starts 3 days ahead of the real one and runs at real speed, so objects
 * written now are past the orphan grace period; backups are made "old" by the start time their
 * manifests give.
 *
 * <p>Time skipping is off: measured here, the test server's time skipping sometimes leapt ten
 * years ahead between two sweeps (its "no deadline"), which made every fixture expire. The
 * activities' retry back-offs (2 + 4 + 8 + 16 s) therefore run in real time.
 */
final class SweepHarness implements AutoCloseable {
  static final String QUEUE = "retention-test";
  static final NotificationSettings LOG_ONLY = new NotificationSettings(Duration.ofMinutes(15),
      List.of(new NotificationChannel("log", null)));

  final FaultInjector faults = new FaultInjector();
  final S3Clients clients;
  final TestWorkflowEnvironment env;
  final List<Notification> notified = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger runs = new AtomicInteger();
  /** The storage section of the worker's plan for the next sweep. */
  private volatile StorageTarget planStorage;

  SweepHarness(AwsCredentialsProvider credentials) {
    clients = new S3Clients(credentials, List.of(faults));
    TestEnvironmentOptions.Builder options = TestEnvironmentOptions.newBuilder()
        .setInitialTime(Instant.now().plus(Duration.ofDays(3)))
        .setUseTimeskipping(false);
    SearchAttributes.definitions().forEach(options::registerSearchAttribute);
    env = TestWorkflowEnvironment.newInstance(options.build());
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(RetentionWorkflowImpl.class);
    worker.registerActivitiesImplementations(new StorageActivitiesImpl(clients),
        new NotificationActivities() {
          @Override
          public void send(Notification n) {
            notified.add(n);
          }
        },
        // the worker's plan: the sweep reads bucket, rules and channels from it
        new PlanActivities() {
          @Override
          public LoadedPlan load() {
            return new LoadedPlan(new DrPlan("app", null, null, null, planStorage, null,
                List.of(), LOG_ONLY, null, null, null), "sweep-harness", "sweep-harness");
          }
        });
    env.start();
  }

  /** The workflow's "now". */
  Instant now() {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }

  /** Waits (real time) until the workflow's clock is past {@code t}. */
  void awaitClockPast(Instant t) throws InterruptedException {
    while (!now().isAfter(t)) {
      Thread.sleep(200);
    }
  }

  /**
   * Runs one sweep of {@code storage} (the worker's plan names it) to its end; a failed sweep
   * throws WorkflowFailedException.
   */
  RetentionResult sweep(StorageTarget storage) {
    planStorage = storage;
    RetentionWorkflow wf = env.getWorkflowClient().newWorkflowStub(RetentionWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE)
            .setWorkflowId("retention-test-" + runs.incrementAndGet()).build());
    return wf.sweep(new RetentionInput("test"));
  }

  List<String> events() {
    synchronized (notified) {
      return notified.stream().map(Notification::event).toList();
    }
  }

  @Override
  public void close() {
    env.close();
    clients.close();
  }

  // ---- fixtures ------------------------------------------------------------------------------

  /** A backup id as the backup workflows make them. */
  static String id(BackupKind kind, Instant startedAt, int n) {
    return BackupKeys.newBackupId(kind, startedAt, String.format("%06x", n));
  }

  /**
   * Writes a backup as the backup workflows leave it (data, listing for files, manifest last),
   * started {@code age} before {@code now}; the data is unique text, so a survivor can be checked
   * byte for byte.
   */
  static BackupManifest backup(BackupStore store, BackupKind kind, Instant now, Duration age, int n) {
    Instant startedAt = now.minus(age);
    String id = id(kind, startedAt, n);
    String ext = kind == BackupKind.DATABASE ? ".dump" : ".tar.gz";
    String dataKey = BackupKeys.dataKey(store.target(), kind, id, ext, 1);
    byte[] data = content(id);
    store.putIfAbsent(dataKey, data, "application/octet-stream");
    FileBackupDetails files = null;
    if (kind == BackupKind.FILES) {
      String listingKey = BackupKeys.listingKey(store.target(), id, 1);
      store.putIfAbsent(listingKey, "{}\n".getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
      files = new FileBackupDetails("/u", listingKey, "x", 1, data.length);
    }
    BackupManifest m = new BackupManifest(1, id, kind, "app", dataKey, "f", data.length, "x",
        startedAt, startedAt.plusSeconds(5), "wf", null, files);
    store.putIfAbsent(BackupKeys.manifestKey(store.target(), kind, id), Json.bytes(m),
        "application/json");
    return m;
  }

  /** Writes a VERIFIED_BY_RESTORE marker beside the backup, as a restore test does. */
  static void markVerified(BackupStore store, StorageTarget st, BackupManifest m) {
    Instant at = m.finishedAt();
    RestoreVerdict v = new RestoreVerdict(1, m.backupId(), m.kind(),
        RestoreTestOutcome.VERIFIED_BY_RESTORE, null, at, at, 0, "restoretest-" + m.backupId(),
        "scratch", "test fixture", List.of(), null, List.of());
    store.putIfAbsent(BackupKeys.verifiedKey(st, m.kind(), m.backupId()), Json.bytes(v),
        "application/json");
  }

  static byte[] content(String id) {
    return ("data of " + id + " ").repeat(20).getBytes(StandardCharsets.UTF_8);
  }

  /** True when the backup is still whole: manifest as written, data byte for byte. */
  static boolean intact(BackupStore store, BackupManifest m) {
    Optional<byte[]> manifest = store.readSmall(
        BackupKeys.manifestKey(store.target(), m.kind(), m.backupId()));
    Optional<byte[]> data = store.readSmall(m.dataKey());
    boolean listing = m.files() == null || store.head(m.files().listingKey()).isPresent();
    return manifest.isPresent() && java.util.Arrays.equals(manifest.get(), Json.bytes(m))
        && data.isPresent() && java.util.Arrays.equals(data.get(), content(m.backupId()))
        && listing;
  }

  /** True when nothing of the backup is left. */
  static boolean gone(BackupStore store, BackupManifest m) {
    return store.head(BackupKeys.manifestKey(store.target(), m.kind(), m.backupId())).isEmpty()
        && store.head(m.dataKey()).isEmpty()
        && (m.files() == null || store.head(m.files().listingKey()).isEmpty());
  }
}
