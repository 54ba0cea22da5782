package io.drorch.starter.bench;

import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.local.LocalPostgres;
import io.drorch.local.LocalS3;
import io.drorch.local.LocalTemporal;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.backup.BackupTable;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.worker.WorkerSecrets;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupResult;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Side by side in one run, against the same databases, directory and S3 server: the bare tools
 * ({@code pg_dump -Fc > file}, {@code tar -czf}, {@code tar -cf - | pigz -p2}) and our backups
 * through Temporal. Prints wall-time ratios and the worker JVM's peak heap. Not a test: numbers
 * depend on the machine; run it with {@code ./dr bench} (see the README).
 */
public final class BackupBenchmark {
  private final Path dir;
  private final int pgbenchScale;
  private final int realisticMb;
  private final int uploadsMb;
  private final PrintStream out;
  private final List<String[]> rows = new ArrayList<>();
  private software.amazon.awssdk.auth.credentials.AwsCredentialsProvider s3Credentials;
  private WorkerSecrets secrets;

  public BackupBenchmark(Path dir, int pgbenchScale, int realisticMb, int uploadsMb, PrintStream out) {
    this.dir = dir;
    this.pgbenchScale = pgbenchScale;
    this.realisticMb = realisticMb;
    this.uploadsMb = uploadsMb;
    this.out = out;
  }

  public void run() throws Exception {
    Files.createDirectories(dir);
    try (LocalPostgres pg = LocalPostgres.start(dir.resolve("postgres"));
        LocalS3 s3 = LocalS3.start(dir.resolve("s3"));
        LocalTemporal temporal = LocalTemporal.start(dir.resolve("temporal"))) {
      out.println("building datasets (cached in " + dir + ")...");
      BenchDatasets.pgbench(pg, "bench_pgbench", pgbenchScale);
      BenchDatasets.realistic(pg, "bench_realistic", realisticMb);
      Path uploads = dir.resolve("uploads");
      BenchDatasets.uploads(uploads, 2000, uploadsMb);
      s3.createBucket("bench");
      s3Credentials = s3.credentials();
      StorageTarget storage = new StorageTarget("bench", "bench", "us-east-1", s3.endpoint(), true,
          30, false, 30);
      secrets = new WorkerSecrets(DatabaseCredentials.fixed(pg.password()), s3.credentials());
      for (String db : List.of("bench_pgbench", "bench_realistic")) {
        databaseRound(pg, temporal, storage, db);
      }
      filesRound(temporal, storage, uploads);
    }
    out.println();
    out.printf("%-34s %10s %10s %8s %12s%n", "case", "seconds", "size", "ratio", "peak heap");
    for (String[] r : rows) {
      out.printf("%-34s %10s %10s %8s %12s%n", (Object[]) r);
    }
    out.println("ratio = wall time / the bare tool's wall time on the same data in this run");
  }

  private void databaseRound(LocalPostgres pg, LocalTemporal temporal, StorageTarget storage,
      String db) throws Exception {
    out.printf("%n%s: %s on disk%n", db, BackupTable.human(BenchDatasets.sizeBytes(pg, db)));
    Path dump = dir.resolve(db + ".dump");
    Files.deleteIfExists(dump);
    long t0 = System.nanoTime();
    exec(List.of(pg.bindir().resolve("pg_dump").toString(), "-Fc", "-h", pg.host(), "-p",
        String.valueOf(pg.port()), "-U", pg.superuser(), "-f", dump.toString(), db), pg.clientEnv());
    double bare = seconds(t0);
    row(db + ": bare pg_dump -Fc > file", bare, Files.size(dump), bare, -1);
    Files.delete(dump);
    BackupResult gzip = null;
    for (String compression : List.of("gzip", "zstd")) {
      DrPlan plan = plan(new DatabaseTarget(pg.host(), pg.port(), db, pg.superuser(), null,
          compression), new FilesTarget("/nonexistent"), storage);
      BackupResult r;
      try (LocalWorker worker = worker(temporal, plan, db + "-" + compression)) {
        resetPeakHeap();
        long t1 = System.nanoTime();
        r = BackupRuns.await(BackupRuns.startDatabase(temporal.client(), worker.taskQueue(),
            "bench"));
        row(db + ": dr backup database (" + compression + ")", seconds(t1), r.sizeBytes(), bare,
            peakHeap());
      }
      if (gzip == null) {
        gzip = r;
      }
    }
    restoreRound(pg, temporal, storage, db, gzip);
  }

  /**
   * Bare: download the dump to a file, then {@code pg_restore -j 2} into a new database. Ours: a
   * database recovery up to the approval of the swap (download + SHA-256 check + pg_restore -j 2
   * + integrity check) of the same (gzip) backup, from its start until the swap waits for
   * approval.
   */
  private void restoreRound(LocalPostgres pg, LocalTemporal temporal, StorageTarget storage,
      String db, BackupResult backup) throws Exception {
    Path file = dir.resolve(db + ".restore.dump");
    Files.deleteIfExists(file);
    try (var clients = new io.drorch.activities.storage.S3Clients(s3Credentials)) {
      long t0 = System.nanoTime();
      try (var in = clients.store(storage).open(backup.dataKey())) {
        Files.copy(in, file);
      }
      double download = seconds(t0);
      row(db + ": download of the dump", download, Files.size(file), download, -1);
      pg.dropDatabase(db + "_bare");
      pg.createDatabase(db + "_bare");
      long t1 = System.nanoTime();
      exec(List.of(pg.bindir().resolve("pg_restore").toString(), "-j", "2", "-h", pg.host(), "-p",
          String.valueOf(pg.port()), "-U", pg.superuser(), "-d", db + "_bare", file.toString()),
          pg.clientEnv());
      double bareRestore = seconds(t1);
      double bare = download + bareRestore;
      row(db + ": bare pg_restore -j 2", bareRestore, Files.size(file), bareRestore, -1);
      pg.dropDatabase(db + "_bare");
      Files.delete(file);

      DrPlan plan = plan(new DatabaseTarget(pg.host(), pg.port(), db, pg.superuser(), null,
          "gzip"), new FilesTarget("/nonexistent"), storage);
      String incident = "BENCH-" + System.currentTimeMillis();
      try (LocalWorker worker = worker(temporal, plan, db + "-restore")) {
        resetPeakHeap();
        long t2 = System.nanoTime();
        var wf = io.drorch.starter.recovery.RecoveryRuns.start(temporal.client(),
            worker.taskQueue(), incident,
            List.of(io.drorch.workflows.contracts.values.RecoveryScope.DATABASE),
            io.drorch.workflows.contracts.values.Tier.CRITICAL, backup.finishedAt(), null,
            "bench");
        while (wf.status().pending().isEmpty()) {
          Thread.sleep(20);
        }
        double ours = seconds(t2);
        row(db + ": dr recovery up to approval", ours, backup.sizeBytes(), bare, peakHeap());
        out.printf("  orchestration overhead vs download + bare restore: %.1f s (ratio %.2fx)%n",
            ours - bare, ours / bare);
        // the bench's plan takes unsigned decisions (signatures: optional): it only rejects
        wf.decide(io.drorch.workflows.contracts.commands.ApprovalDecision.unsigned("bench",
            io.drorch.workflows.contracts.values.Verdict.REJECT, null, "benchmark only"));
        io.temporal.client.WorkflowStub.fromTyped(wf).getResult(Object.class);
      }
      pg.dropDatabase(io.drorch.workflows.recovery.Names.database(db, "_restore_", incident));
    }
  }

  private void filesRound(LocalTemporal temporal, StorageTarget storage, Path uploads)
      throws Exception {
    out.printf("%nuploads: %d MB in 2000 files (half text, half random)%n", uploadsMb);
    Path tgz = dir.resolve("uploads.tar.gz");
    long t0 = System.nanoTime();
    exec(List.of("tar", "-czf", tgz.toString(), "-C", uploads.toString(), "."), Map.of());
    double bare = seconds(t0);
    row("files: bare tar -czf", bare, Files.size(tgz), bare, -1);
    if (onPath("pigz")) {
      long tp = System.nanoTime();
      exec(List.of("sh", "-c", "tar -cf - -C \"$1\" . | pigz -p2 > \"$2\"", "sh",
          uploads.toString(), tgz.toString()), Map.of());
      double pigz = seconds(tp);
      row("files: bare tar -cf - | pigz -p2", pigz, Files.size(tgz), bare, -1);
    } else {
      out.println("(pigz not installed: apt-get install pigz to compare against it)");
    }
    Files.delete(tgz);
    DrPlan plan = plan(new DatabaseTarget("none", 5432, "none", "none", null, "gzip"),
        new FilesTarget(uploads.toAbsolutePath().toString()), storage);
    try (LocalWorker worker = worker(temporal, plan, "files")) {
      resetPeakHeap();
      long t1 = System.nanoTime();
      BackupResult r = BackupRuns.await(BackupRuns.startFiles(temporal.client(),
          worker.taskQueue(), "bench"));
      row("files: dr backup files", seconds(t1), r.sizeBytes(), bare, peakHeap());
    }
  }

  /** A worker of its own for one plan (written to bench-work/plans/NAME.yaml), on its own queue. */
  private LocalWorker worker(LocalTemporal temporal, DrPlan plan, String name) {
    return LocalWorker.start(temporal.client(), secrets, plan,
        dir.resolve("plans").resolve(name + ".yaml"), "dr-bench-" + name);
  }

  /**
   * A complete plan around the bench's database, files and bucket: a worker loads it like any
   * plan file. Its one approver takes unsigned decisions (signatures: optional): the bench only
   * rejects.
   */
  private DrPlan plan(DatabaseTarget db, FilesTarget files, StorageTarget storage) {
    java.time.Duration hour = java.time.Duration.ofHours(1);
    List<io.drorch.workflows.contracts.plan.EscalationLevel> levels = new ArrayList<>();
    for (int level = 1; level <= 4; level++) {
      levels.add(new io.drorch.workflows.contracts.plan.EscalationLevel(level, "bench " + level,
          List.of("bench"), List.of(), hour));
    }
    return new DrPlan("bench",
        new io.drorch.workflows.contracts.plan.Objectives(java.time.Duration.ofHours(4),
            java.time.Duration.ofHours(24), hour, java.time.Duration.ofHours(24)),
        db, files, storage,
        new io.drorch.workflows.contracts.plan.ScheduleSettings("UTC", "0 2 * * *", "30 2 * * *",
            "0 4 * * *", hour),
        levels,
        new io.drorch.workflows.contracts.plan.NotificationSettings(
            java.time.Duration.ofMinutes(15),
            List.of(new io.drorch.workflows.contracts.plan.NotificationChannel("log", null))),
        null,
        new io.drorch.workflows.contracts.plan.RecoverySettings(dir.resolve("work").toString(), 2,
            List.of(), OnUnanswered.REMIND, hour),
        new io.drorch.workflows.contracts.plan.ApprovalSettings(
            io.drorch.workflows.contracts.plan.SignatureMode.OPTIONAL, null, null, List.of(),
            true, java.util.Map.of()));
  }

  private void row(String name, double seconds, long size, double bare, long heap) {
    String[] r = {name, String.format("%.1f", seconds), BackupTable.human(size),
        String.format("%.2fx", seconds / bare), heap < 0 ? "" : BackupTable.human(heap)};
    rows.add(r);
    out.printf("  %-34s %8s s %10s %7s %s%n", (Object[]) r);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void resetPeakHeap() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  /** Sum of the heap pools' peaks since the last reset: the JVM running worker and client. */
  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private static void exec(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    int rc = pb.start().waitFor();
    if (rc != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed with exit code " + rc);
    }
  }

  /** For picocli. */
  public static Callable<Integer> task(Path dir, int scale, int mb, int uploadsMb, PrintStream out) {
    return () -> {
      new BackupBenchmark(dir, scale, mb, uploadsMb, out).run();
      return 0;
    };
  }
}
