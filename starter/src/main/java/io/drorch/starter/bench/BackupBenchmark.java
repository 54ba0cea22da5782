package io.drorch.starter.bench;

import io.drorch.activities.postgres.DatabaseCredentials;
import io.drorch.activities.storage.S3Clients;
import io.drorch.local.LocalPostgres;
import io.drorch.local.LocalS3;
import io.drorch.local.LocalTemporal;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.backup.BackupTable;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.worker.WorkerSecrets;
import io.drorch.workflows.contracts.commands.ApprovalDecision;
import io.drorch.workflows.contracts.plan.ApprovalSettings;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.NotificationChannel;
import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.plan.Objectives;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.plan.ScheduleSettings;
import io.drorch.workflows.contracts.plan.SignatureMode;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.IntegrityResult;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.RestoreDatabaseResult;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.Names;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Side by side in one run, against the same databases, directory and S3 server: the bare tools
 * ({@code pg_dump -Fc -f file}, download + {@code pg_restore -j 2}, {@code tar -czf}, {@code tar
 * -cf - | pigz -p2}, {@code tar -cf - | zstd -T2}) and ours through Temporal. Prints, and with
 * {@code --out} writes as Markdown and JSON: wall-time ratios, CPU seconds, the worker JVM's peak
 * heap, and our side step by step (download, create database, pg_restore, migrations, row counts,
 * checks, workflow overhead) taken from the workflows' histories and the activities' results.
 *
 * <p>Fairness: before every timed case, bare or ours, the same state: the source data read once
 * (in the page cache for both), a {@code CHECKPOINT} and a {@code sync} (no dirty pages or WAL of
 * the previous case being written back during this one), no restored database left over. With
 * {@code --repeat N} each case runs N times, bare and ours alternating, and the medians are
 * reported. Each plan gets a worker of its own (its plan file under {@code plans/}, its own task
 * queue), started once before its first case and kept for the run, as a production worker is.
 * Not a test: numbers depend on the machine; run it with {@code ./dr bench}.
 */
public final class BackupBenchmark {
  static final Duration POLL = Duration.ofMillis(100);
  private final Path dir;
  private final int pgbenchScale;
  private final int realisticMb;
  private final int uploadsMb;
  private final int repeat;
  private final Path outDir;
  private final PrintStream out;
  private final BenchReport report = new BenchReport();
  private software.amazon.awssdk.auth.credentials.AwsCredentialsProvider s3Credentials;
  private LocalPostgres pg;
  private CpuMeter cpu;
  private WorkflowClient client;
  private WorkerSecrets secrets;
  private final Map<String, LocalWorker> workers = new LinkedHashMap<>();

  public BackupBenchmark(Path dir, int pgbenchScale, int realisticMb, int uploadsMb, int repeat,
      Path outDir, String command, PrintStream out) {
    this.dir = dir;
    this.pgbenchScale = pgbenchScale;
    this.realisticMb = realisticMb;
    this.uploadsMb = uploadsMb;
    this.repeat = Math.max(1, repeat);
    this.outDir = outDir;
    this.out = out;
    report.command = command;
  }

  public void run() throws Exception {
    Files.createDirectories(dir);
    report.machine.put("cpus", Runtime.getRuntime().availableProcessors());
    report.machine.put("date", Instant.now().toString().substring(0, 10));
    report.machine.put("loadBefore", loadAverage());
    report.machine.put("maxHeap", BackupTable.human(Runtime.getRuntime().maxMemory()));
    try (LocalPostgres pg = LocalPostgres.start(dir.resolve("postgres"));
        LocalS3 s3 = LocalS3.start(dir.resolve("s3"));
        LocalTemporal temporal = LocalTemporal.start(dir.resolve("temporal"))) {
      this.pg = pg;
      this.cpu = new CpuMeter(pg.dataDir());
      out.println("building datasets (cached in " + dir + ")...");
      BenchDatasets.pgbench(pg, "bench_pgbench", pgbenchScale);
      BenchDatasets.realistic(pg, "bench_realistic", realisticMb);
      Path uploads = dir.resolve("uploads");
      BenchDatasets.uploads(uploads, 2000, uploadsMb);
      s3.createBucket("bench");
      s3Credentials = s3.credentials();
      StorageTarget storage = new StorageTarget("bench", "bench", "us-east-1", s3.endpoint(), true,
          30, false, 30);
      this.client = temporal.client();
      this.secrets = new WorkerSecrets(DatabaseCredentials.fixed(pg.password()), s3.credentials());
      try {
        warmUp(client, storage);
        for (String db : List.of("bench_pgbench", "bench_realistic")) {
          databaseRound(client, storage, db);
        }
        filesRound(client, storage, uploads);
      } finally {
        workers.values().forEach(LocalWorker::close);
        workers.clear();
      }
    }
    report.machine.put("loadAfter", loadAverage());
    out.println();
    out.println(report.markdown());
    if (outDir != null) {
      report.write(outDir);
      out.println("written: " + outDir.resolve("bench.md") + ", " + outDir.resolve("bench.json"));
    }
  }

  /**
   * One backup of each kind and one recovery of a tiny database, untimed: the first run of each
   * code path in a fresh JVM (class loading, JIT, connection pools, Flyway's setup) costs seconds
   * that a worker which has been running pays once, not per backup.
   */
  private void warmUp(WorkflowClient client, StorageTarget storage) throws Exception {
    out.println("warming up (one small backup of each kind and one recovery, untimed)...");
    String db = "bench_warmup";
    if (!BenchDatasets.exists(pg, db)) {
      pg.createDatabase(db);
      try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        st.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 10000) g");
      }
    }
    // enough files and bytes that the archive's hot loops are compiled before the timed runs
    Path files = dir.resolve("warmup-files").toAbsolutePath();
    BenchDatasets.uploads(files, 200, 20);
    BackupResult gzip = null;
    for (String compression : List.of("gzip", "zstd")) {
      String queue = queue("warmup-" + compression, plan(new DatabaseTarget(pg.host(), pg.port(),
          db, pg.superuser(), null, compression), new FilesTarget(files.toString(), compression),
          storage));
      BackupResult r = BackupRuns.await(BackupRuns.startDatabase(client, queue, "bench"));
      gzip = gzip == null ? r : gzip;
      BackupRuns.await(BackupRuns.startFiles(client, queue, "bench"));
    }
    recoverUpToApproval(client, storage, db, gzip, new LinkedHashMap<>());
  }

  // ---- database: backups -------------------------------------------------------------------

  private void databaseRound(WorkflowClient client, StorageTarget storage, String db)
      throws Exception {
    String label = db.replace("bench_", "");
    out.printf("%n%s: %s on disk%n", db, BackupTable.human(BenchDatasets.sizeBytes(pg, db)));
    warmDatabase(db);
    Path dump = dir.resolve(db + ".dump");
    List<Sample> bare = new ArrayList<>();
    Map<String, List<Sample>> ours = new LinkedHashMap<>();
    BackupResult gzip = null;
    for (int i = 0; i < repeat; i++) {
      Files.deleteIfExists(dump);
      bare.add(measure("bare pg_dump -Fc -f file", () -> {
        exec(List.of(pg.bindir().resolve("pg_dump").toString(), "-Fc", "-h", pg.host(), "-p",
            String.valueOf(pg.port()), "-U", pg.superuser(), "-f", dump.toString(), db),
            pg.clientEnv());
        return size(dump);
      }));
      Files.delete(dump);
      for (String compression : List.of("gzip", "zstd")) {
        String queue = queue(db + "-" + compression, plan(new DatabaseTarget(pg.host(),
            pg.port(), db, pg.superuser(), null, compression), new FilesTarget("/nonexistent"),
            storage));
        BackupResult[] r = new BackupResult[1];
        Sample s = measure("dr backup database (" + compression + ")", () -> {
          r[0] = BackupRuns.await(BackupRuns.startDatabase(client, queue, "bench"));
          return r[0].sizeBytes();
        });
        ours.computeIfAbsent(compression, k -> new ArrayList<>()).add(s);
        if (compression.equals("gzip") && gzip == null) {
          gzip = r[0];
        }
      }
    }
    Sample b = Sample.median(bare);
    for (var e : ours.entrySet()) {
      Sample o = Sample.median(e.getValue());
      report.rows.add(new BenchReport.Row(label + ": backup " + e.getKey(), "`pg_dump -Fc -f file`",
          b.seconds, List.of(b.seconds), o.seconds, b.cpu, o.cpu, o.size, o.heap,
          e.getKey().equals("gzip") ? 1.1 : null, null));
    }
    restoreRound(client, storage, db, label, gzip);
  }

  // ---- database: recovery up to the approval -----------------------------------------------

  /**
   * Bare: download the dump to a file, then {@code pg_restore -j 2} into a new database. Ours: a
   * database recovery of the same (gzip) backup from its start until its swap waits for approval
   * (download + SHA-256 check + pg_restore -j 2 + integrity check, and the workflows around
   * them), read from the recovery's history: the moment it had handled the child's request.
   */
  private void restoreRound(WorkflowClient client, StorageTarget storage, String db,
      String label, BackupResult backup) throws Exception {
    Path file = dir.resolve(db + ".restore.dump");
    List<Sample> downloads = new ArrayList<>();
    List<Sample> restores = new ArrayList<>();
    List<Sample> ours = new ArrayList<>();
    List<Map<String, Double>> steps = new ArrayList<>();
    for (int i = 0; i < repeat; i++) {
      Files.deleteIfExists(file);
      settle();
      double cpu0 = cpu.now();
      long t0 = System.nanoTime();
      try (S3Clients clients = new S3Clients(s3Credentials);
          InputStream in = clients.store(storage).open(backup.dataKey())) {
        Files.copy(in, file);
      }
      double download = seconds(t0);
      double downloadCpu = cpu.now() - cpu0;
      pg.dropDatabase(db + "_bare");
      pg.createDatabase(db + "_bare");
      long t1 = System.nanoTime();
      double cpu1 = cpu.now();
      exec(List.of(pg.bindir().resolve("pg_restore").toString(), "-j", "2", "-h", pg.host(),
          "-p", String.valueOf(pg.port()), "-U", pg.superuser(), "-d", db + "_bare",
          file.toString()), pg.clientEnv());
      double restore = seconds(t1);
      double restoreCpu = cpu.now() - cpu1;
      out.printf("  %-44s %6.1f + %.1f s (CPU %.1f s)%n", "bare download + pg_restore -j 2",
          download, restore, downloadCpu + restoreCpu);
      downloads.add(new Sample(download, downloadCpu, size(file), -1));
      restores.add(new Sample(restore, restoreCpu, size(file), -1));
      pg.dropDatabase(db + "_bare");
      Files.delete(file);

      Map<String, Double> st = new LinkedHashMap<>();
      ours.add(recoverUpToApproval(client, storage, db, backup, st));
      steps.add(st);
    }
    Sample d = Sample.median(downloads);
    Sample r = Sample.median(restores);
    Sample o = Sample.median(ours);
    report.rows.add(new BenchReport.Row(label + ": recovery up to approval",
        "download + `pg_restore -j 2`", d.seconds + r.seconds, List.of(d.seconds, r.seconds),
        o.seconds, d.cpu + r.cpu, o.cpu, d.size, o.heap, 1.1, 2.0));
    report.steps.put(label + " recovery", medianSteps(steps));
  }

  private Sample recoverUpToApproval(WorkflowClient client, StorageTarget storage, String db,
      BackupResult backup, Map<String, Double> steps) throws Exception {
    String queue = queue(db + "-restore", plan(new DatabaseTarget(pg.host(), pg.port(), db,
        pg.superuser(), null, "gzip"), new FilesTarget("/nonexistent"), storage));
    String incident = "BENCH-" + System.currentTimeMillis();
    String workflowId = Names.workflowId(incident);
    settle();
    resetPeakHeap();
    double cpu0 = cpu.now();
    Instant start = Instant.now();
    long t0 = System.nanoTime();
    RecoveryWorkflow wf = RecoveryRuns.start(client, queue, incident,
        List.of(RecoveryScope.DATABASE), Tier.CRITICAL, backup.finishedAt(), null, "bench");
    // the history, not a query, tells when the swap waits: queries would load the worker
    Instant waiting;
    while (true) {
      Optional<Instant> h = HistorySteps.of(client, workflowId).handled("requestDecision");
      if (h.isPresent()) {
        waiting = h.get();
        break;
      }
      if (seconds(t0) > 3600) {
        throw new IllegalStateException(workflowId + " did not ask for approval within an hour");
      }
      Thread.sleep(POLL.toMillis());
    }
    double oursCpu = cpu.now() - cpu0;
    long heap = peakHeap();
    double ours = (waiting.toEpochMilli() - start.toEpochMilli()) / 1000.0;

    HistorySteps parent = HistorySteps.of(client, workflowId);
    HistorySteps child = HistorySteps.of(client, workflowId + "-database");
    DataConverter dc = client.getOptions().getDataConverter();
    double accounted = 0;
    var restore = child.activity("RestoreFromBackup");
    if (restore.isPresent()) {
      RestoreDatabaseResult rr = restore.get().result(dc, RestoreDatabaseResult.class);
      double inside = 0;
      if (rr.stepMillis() != null) {
        for (var e : rr.stepMillis().entrySet()) {
          String name = e.getKey().equals("pg_restore") ? "pg_restore -j 2"
              : e.getKey().replace('-', ' ');
          steps.put(name, e.getValue() / 1000.0);
          inside += e.getValue() / 1000.0;
        }
      }
      steps.put("restore activity, rest", Math.max(0, restore.get().seconds() - inside));
      accounted += restore.get().seconds();
    }
    var migrate = child.activity("ApplyMigrations");
    steps.put("migrations", migrate.map(HistorySteps.Activity::seconds).orElse(0.0));
    accounted += steps.get("migrations");
    var verify = child.activity("VerifyIntegrity");
    if (verify.isPresent()) {
      IntegrityResult ir = verify.get().result(dc, IntegrityResult.class);
      Map<String, Long> ms = ir.stepMillis() == null ? Map.of() : ir.stepMillis();
      steps.put("row counts", ms.getOrDefault("counts", 0L) / 1000.0);
      steps.put("SQL checks", ms.getOrDefault("sql-checks", 0L) / 1000.0);
      steps.put("Flyway validate (alongside the counts)",
          ms.getOrDefault("flyway-validate", 0L) / 1000.0);
      steps.put("integrity activity, total", verify.get().seconds());
      accounted += verify.get().seconds();
    }
    steps.put("workflow overhead", ours - accounted);
    steps.put("of which: list backups", parent.activity("ListBackups")
        .map(HistorySteps.Activity::seconds).orElse(0.0));
    double queued = 0;
    for (HistorySteps h : List.of(parent, child)) {
      for (HistorySteps.Activity a : h.activities) {
        if (a.started() != null && a.started().isBefore(waiting)) {
          queued += (a.started().toEpochMilli() - a.scheduled().toEpochMilli()) / 1000.0;
        }
      }
    }
    steps.put("of which: activities scheduled, not yet started", queued);
    steps.put("of which: database child started after", (child.started().toEpochMilli()
        - start.toEpochMilli()) / 1000.0);
    steps.put("total (start → waiting for approval)", ours);
    out.printf("  %-44s %6.1f s (CPU %.1f s, heap %s) %s%n", "dr recovery up to approval", ours,
        oursCpu, BackupTable.human(heap), steps);

    // the bench's plan takes unsigned decisions (signatures: optional): it only rejects
    wf.decide(ApprovalDecision.unsigned("bench", Verdict.REJECT, null, "benchmark only"));
    WorkflowStub.fromTyped(wf).getResult(Object.class);
    pg.dropDatabase(Names.database(db, "_restore_", incident) + "_a1"); // its first attempt
    deleteTree(dir.resolve("work").resolve(incident));
    return new Sample(ours, oursCpu, backup.sizeBytes(), heap);
  }

  // ---- files ---------------------------------------------------------------------------------

  private void filesRound(WorkflowClient client, StorageTarget storage, Path uploads)
      throws Exception {
    out.printf("%nuploads: %d MB in 2000 files (half text, half random)%n", uploadsMb);
    warmTree(uploads);
    Path archive = dir.resolve("uploads.archive");
    Map<String, List<Sample>> bare = new LinkedHashMap<>();
    Map<String, List<Sample>> ours = new LinkedHashMap<>();
    Map<String, List<String>> tools = new LinkedHashMap<>();
    tools.put("`tar -czf`", List.of("tar", "-czf", archive.toString(), "-C", uploads.toString(), "."));
    if (onPath("pigz")) {
      tools.put("`tar -cf - | pigz -p2`", List.of("sh", "-c",
          "tar -cf - -C \"$1\" . | pigz -p2 > \"$2\"", "sh", uploads.toString(), archive.toString()));
    } else {
      out.println("(pigz not installed: apt-get install pigz to compare against it)");
    }
    tools.put("`tar -cf - | zstd -T2`", List.of("sh", "-c",
        "tar -cf - -C \"$1\" . | zstd -q -T2 -3 -c > \"$2\"", "sh", uploads.toString(),
        archive.toString()));
    for (int i = 0; i < repeat; i++) {
      for (var t : tools.entrySet()) {
        Files.deleteIfExists(archive);
        bare.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(measure("bare " + t.getKey(),
            () -> {
              exec(t.getValue(), Map.of());
              return size(archive);
            }));
        Files.deleteIfExists(archive);
      }
      for (String compression : List.of("gzip", "zstd")) {
        String queue = queue("files-" + compression, plan(new DatabaseTarget("none", 5432, "none",
            "none", null, "gzip"), new FilesTarget(uploads.toAbsolutePath().toString(),
            compression), storage));
        ours.computeIfAbsent(compression, k -> new ArrayList<>()).add(measure(
            "dr backup files (" + compression + ")", () -> BackupRuns.await(
                BackupRuns.startFiles(client, queue, "bench")).sizeBytes()));
      }
    }
    Sample gz = Sample.median(ours.get("gzip"));
    for (var e : bare.entrySet()) {
      if (e.getKey().contains("zstd")) {
        continue;
      }
      Sample b = Sample.median(e.getValue());
      report.rows.add(new BenchReport.Row("uploads " + uploadsMb + " MB: backup gzip", e.getKey(),
          b.seconds, List.of(b.seconds), gz.seconds, b.cpu, gz.cpu, gz.size, gz.heap,
          e.getKey().contains("pigz") ? 1.0 : null, null));
    }
    Sample zb = Sample.median(bare.get("`tar -cf - | zstd -T2`"));
    Sample zo = Sample.median(ours.get("zstd"));
    report.rows.add(new BenchReport.Row("uploads " + uploadsMb + " MB: backup zstd",
        "`tar -cf - | zstd -T2`", zb.seconds, List.of(zb.seconds), zo.seconds, zb.cpu, zo.cpu,
        zo.size, zo.heap, null, null));
  }

  // ---- measuring -----------------------------------------------------------------------------

  /** Wall seconds, CPU seconds, output size and peak heap of one case. */
  record Sample(double seconds, double cpu, long size, long heap) {
    static Sample median(List<Sample> samples) {
      List<Sample> sorted = samples.stream().sorted(Comparator.comparingDouble(Sample::seconds))
          .toList();
      return sorted.get((sorted.size() - 1) / 2);
    }
  }

  private interface Case {
    long run() throws Exception;
  }

  private Sample measure(String name, Case c) throws Exception {
    settle();
    resetPeakHeap();
    double cpu0 = cpu.now();
    long t0 = System.nanoTime();
    long size = c.run();
    double s = seconds(t0);
    double used = cpu.now() - cpu0;
    long heap = name.startsWith("bare") ? -1 : peakHeap();
    out.printf("  %-44s %6.1f s (CPU %.1f s) %10s%s%n", name, s, used, BackupTable.human(size),
        heap < 0 ? "" : ", heap " + BackupTable.human(heap));
    return new Sample(s, used, size, heap);
  }

  private static Map<String, Double> medianSteps(List<Map<String, Double>> runs) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String k : runs.get(0).keySet()) {
      List<Double> v = runs.stream().map(m -> m.getOrDefault(k, 0.0)).sorted().toList();
      out.put(k, v.get((v.size() - 1) / 2));
    }
    return out;
  }

  /** The same state before every case: no dirty pages or WAL of the last one still being written. */
  private void settle() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("CHECKPOINT");
    }
    exec(List.of("sync"), Map.of());
  }

  /** Reads a database's files once, so the first case does not pay for a cold page cache. */
  private void warmDatabase(String db) throws Exception {
    long oid;
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT oid FROM pg_database WHERE datname = '" + db + "'")) {
      rs.next();
      oid = rs.getLong(1);
    }
    warmTree(pg.dataDir().resolve("base").resolve(String.valueOf(oid)));
  }

  private static void warmTree(Path root) throws IOException {
    byte[] buf = new byte[1 << 20];
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        try (InputStream in = Files.newInputStream(p)) {
          while (in.read(buf) >= 0) {
            // reading is the point
          }
        } catch (IOException e) {
          // a file that went away: nothing to warm
        }
      }
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  /**
   * The task queue of the worker bound to {@code plan} (written to {@code plans/NAME.yaml}),
   * started the first time the name is used and kept for the run.
   */
  private String queue(String name, DrPlan plan) {
    return workers.computeIfAbsent(name, n -> LocalWorker.start(client, secrets, plan,
        dir.resolve("plans").resolve(n + ".yaml"), "dr-bench-" + n)).taskQueue();
  }

  /**
   * A complete plan around the bench's database, files and bucket: a worker loads it like any
   * plan file. Its one approver takes unsigned decisions (signatures: optional): the bench only
   * rejects.
   */
  private DrPlan plan(DatabaseTarget db, FilesTarget files, StorageTarget storage) {
    Duration hour = Duration.ofHours(1);
    List<EscalationLevel> levels = new ArrayList<>();
    for (int level = 1; level <= 4; level++) {
      levels.add(new EscalationLevel(level, "bench " + level, List.of("bench"), List.of(), hour));
    }
    return new DrPlan("bench",
        new Objectives(Duration.ofHours(4), Duration.ofHours(24), hour, Duration.ofHours(24)),
        db, files, storage,
        new ScheduleSettings("UTC", "0 2 * * *", "30 2 * * *", "0 4 * * *", hour),
        levels,
        new NotificationSettings(Duration.ofMinutes(15), List.of(new NotificationChannel("log", null))),
        null,
        new RecoverySettings(dir.resolve("work").toString(), 2, List.of(), OnUnanswered.REMIND,
            hour),
        new ApprovalSettings(SignatureMode.OPTIONAL, null, null, List.of(), true, Map.of()))
        // measured backups only: no restore test after each one
        .withDrills(new io.drorch.workflows.contracts.plan.DrillSettings(null, null,
            io.drorch.workflows.contracts.plan.VerifyByRestore.OFF));
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
  public static Callable<Integer> task(Path dir, int scale, int mb, int uploadsMb, int repeat,
      Path outDir, String command, PrintStream out) {
    return () -> {
      new BackupBenchmark(dir, scale, mb, uploadsMb, repeat, outDir, command, out).run();
      return 0;
    };
  }
}
