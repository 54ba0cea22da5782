package io.drorch.worker;

import io.drorch.activities.app.ApplicationActivitiesImpl;
import io.drorch.activities.common.HeartbeatTicker;
import io.drorch.activities.decisions.DecisionActivitiesImpl;
import io.drorch.activities.files.FileActivitiesImpl;
import io.drorch.activities.files.FileRecoveryActivitiesImpl;
import io.drorch.activities.notify.NotificationActivitiesImpl;
import io.drorch.activities.plan.PlanActivitiesImpl;
import io.drorch.activities.plan.PlanSource;
import io.drorch.activities.plan.ValidatedPlan;
import io.drorch.activities.postgres.PostgresRecoveryActivitiesImpl;
import io.drorch.activities.report.ReportActivitiesImpl;
import io.drorch.activities.restoretest.RestoreTestActivitiesImpl;
import io.drorch.activities.postgres.PostgresActivitiesImpl;
import io.drorch.activities.storage.S3Clients;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.activities.pitr.PitrActivitiesImpl;
import io.drorch.activities.rpo.RpoActivitiesImpl;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.common.TaskQueues;
import io.drorch.workflows.registry.WorkflowRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts every workflow and activity of the orchestrator on one task queue ({@link TaskQueues#DR}
 * unless told otherwise), bound to one plan file: the worker's plan is the trust root of every
 * workflow it runs (their first activity reads it).
 */
public final class DrWorker implements AutoCloseable {
  /** Bounded: each long activity streams with a few tens of MB of buffers. */
  static final int MAX_CONCURRENT_ACTIVITIES = 4;

  /**
   * How long a workflow thread may run without yielding before the SDK calls it a deadlock. The
   * SDK's 1 s fails the first replay of a long history on a loaded host (measured: a worker
   * restarted beside a busy test suite on 2 cores); our workflow code never blocks, so a few
   * seconds only delays the report of a real deadlock.
   */
  static final java.time.Duration DEADLOCK_DETECTION = java.time.Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(DrWorker.class);

  private final WorkerFactory factory;
  private final S3Clients s3;
  private final String taskQueue;
  private final ValidatedPlan plan;

  private DrWorker(WorkerFactory factory, S3Clients s3, String taskQueue, ValidatedPlan plan) {
    this.factory = factory;
    this.s3 = s3;
    this.taskQueue = taskQueue;
    this.plan = plan;
  }

  /**
   * Loads and validates the plan (a {@link io.drorch.activities.plan.PlanException} listing every
   * problem stops the start), registers everything and starts polling {@code taskQueue}. Checks
   * that the namespace has our search attributes and logs an ERROR naming {@code dr temporal
   * setup} when not (it still starts: the attributes can be added while it runs, and the stuck
   * workflow tasks then succeed on retry).
   */
  public static DrWorker start(WorkflowClient client, WorkerSecrets secrets, PlanSource planSource,
      String taskQueue) {
    ValidatedPlan plan = planSource.validate();
    plan.warnings().forEach(w -> log.warn("plan {}: {}", planSource, w));
    checkSearchAttributes(client);
    S3Clients s3 = new S3Clients(secrets.aws());
    WorkerFactory factory = WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder()
        .setWorkerInterceptors(new HeartbeatTicker())
        .build());
    WorkerOptions options = WorkerOptions.newBuilder()
        .setMaxConcurrentActivityExecutionSize(MAX_CONCURRENT_ACTIVITIES)
        .setDefaultDeadlockDetectionTimeout(DEADLOCK_DETECTION.toMillis())
        .setMaxHeartbeatThrottleInterval(HeartbeatTicker.MAX_THROTTLE)
        .build();
    Worker worker = factory.newWorker(taskQueue, options);
    // steps that need this host's disk (the swap of a staging directory restored here)
    String hostQueue = TaskQueues.ofHost(taskQueue, hostName());
    FileRecoveryActivitiesImpl fileRecovery = new FileRecoveryActivitiesImpl(s3, hostQueue);
    factory.newWorker(hostQueue, options).registerActivitiesImplementations(fileRecovery);
    worker.registerWorkflowImplementationTypes(WorkflowRegistry.implementations());
    worker.registerActivitiesImplementations(
        new PostgresActivitiesImpl(secrets.database(), s3),
        new PostgresRecoveryActivitiesImpl(secrets.database(), s3),
        new FileActivitiesImpl(s3),
        fileRecovery,
        new StorageActivitiesImpl(s3),
        new ApplicationActivitiesImpl(s3),
        new NotificationActivitiesImpl(),
        new ReportActivitiesImpl(s3),
        new RestoreTestActivitiesImpl(secrets.database(), s3),
        new PlanActivitiesImpl(planSource),
        new DecisionActivitiesImpl(client),
        new RpoActivitiesImpl(secrets.database(), s3));
    DrPlan p = plan.plan();
    if (p.database() != null && p.database().pitr() != null && databaseHostQueue()) {
      // pgBackRest reads the data directory: its activities run only on the database host
      String dbQueue = TaskQueues.databaseHost(taskQueue, p.database().host());
      factory.newWorker(dbQueue, WorkerOptions.newBuilder(options)
              .setMaxConcurrentActivityExecutionSize(2)
              .build())
          .registerActivitiesImplementations(new PitrActivitiesImpl(s3));
      log.info("polling the database host's queue '{}' too (pgBackRest)", dbQueue);
    }
    factory.start();
    log.info("DR worker on task queue '{}' (and '{}') with plan {} (sha256 {})", taskQueue,
        hostQueue, planSource, plan.sha256());
    return new DrWorker(factory, s3, taskQueue, plan);
  }

  /** {@value TaskQueues#HOST_ENV}, else this machine's host name. */
  static String hostName() {
    String given = System.getenv(TaskQueues.HOST_ENV);
    if (given != null && !given.isBlank()) {
      return given.strip();
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      String env = System.getenv("HOSTNAME");
      return env == null || env.isBlank() ? "localhost" : env;
    }
  }

  /**
   * Whether this worker polls the database host's queue (when the plan has {@code database.pitr}):
   * yes unless env {@value #DATABASE_HOST_QUEUE_ENV} is {@code off} (a worker on another host).
   */
  static boolean databaseHostQueue() {
    String v = System.getenv(DATABASE_HOST_QUEUE_ENV);
    return v == null || !(v.equalsIgnoreCase("off") || v.equalsIgnoreCase("false")
        || v.equals("0"));
  }

  public static final String DATABASE_HOST_QUEUE_ENV = "DR_DATABASE_HOST_QUEUE";

  /** The task queue this worker polls. */
  public String taskQueue() {
    return taskQueue;
  }

  /** The plan as it was when the worker started (each workflow reads it again). */
  public ValidatedPlan plan() {
    return plan;
  }

  /**
   * What is wrong with the namespace's search attributes (empty: all there), logged as an ERROR.
   * Servers that cannot list them (the Java test server: UNIMPLEMENTED) are not checked.
   */
  public static List<String> checkSearchAttributes(WorkflowClient client) {
    String namespace = client.getOptions().getNamespace();
    List<String> problems;
    try {
      problems = SearchAttributeSetup.problems(
          SearchAttributeSetup.list(client.getWorkflowServiceStubs(), namespace));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        log.debug("this Temporal server cannot list search attributes; not checked");
      } else {
        log.warn("could not check the search attributes of namespace {}: {}", namespace,
            e.getStatus());
      }
      return List.of();
    }
    if (!problems.isEmpty()) {
      log.error("Namespace '{}' lacks the DR Orchestrator's search attributes: {}. Every workflow"
          + " task that sets them fails (the workflows stay stuck) until they exist. Run"
          + " `dr temporal setup --namespace {}` (on Temporal Cloud: add them in the Cloud UI or"
          + " with tcld).", namespace, String.join("; ", problems), namespace);
    }
    return problems;
  }

  /** Blocks until the worker is shut down (SIGTERM runs the shutdown hook). */
  public void awaitTermination() throws InterruptedException {
    while (!factory.isTerminated()) {
      factory.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    }
  }

  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    s3.close();
  }
}
