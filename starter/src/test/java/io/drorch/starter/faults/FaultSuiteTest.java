package io.drorch.starter.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.postgres.PgTools;
import io.drorch.activities.storage.BackupStore;
import io.drorch.activities.storage.BackupVerifier;
import io.drorch.activities.storage.StorageActivitiesImpl;
import io.drorch.local.FaultRows;
import io.drorch.local.LocalTemporal;
import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.WorkerProcess;
import io.drorch.starter.demo.DataFingerprint;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.FilesTarget;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import io.drorch.workflows.contracts.queries.PendingDecision;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupResult;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.StoredBackup;
import io.drorch.workflows.contracts.values.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault suite of issue 8, item 8: faults injected in bounded loops on the real local stack of
 * its own (PostgreSQL, the S3 server, the Temporal dev server with its SQLite file, the worker as a
 * separate process), one table at the end — fault | trials | completed with verified data |
 * aborted safely | data lost | longest stall — and {@code data lost == 0} asserted.
 *
 * <p>Each trial ends in one of three ways:
 * <ul>
 *   <li><b>completed with verified data</b>: the run completed, and the data is the data from
 *       before (per-table row counts and md5 of the rows, per-file size and SHA-256: {@link
 *       DataFingerprint}); a backup counts when it re-reads with its checksum and, for the
 *       database, restores with pg_restore into a scratch database equal to the live one;</li>
 *   <li><b>aborted safely</b>: the run stopped (failed, or passed the trial's deadline and was
 *       terminated), the live data is what it was (or, after a disaster, a fault-free recovery
 *       afterwards brings it back verified), and nothing was catalogued that does not verify;</li>
 *   <li><b>data lost</b>: anything else — live data changed without a completed verified
 *       recovery, a recovery that reported RECOVERED with other data, or a backup catalogued as
 *       valid that does not verify or restore.</li>
 * </ul>
 * Longest stall: from a fault (the kill, the outage's start, the restart, the recovery started on
 * a full disk) to the first step or run of the trial that finished after it (event times of the
 * Temporal histories); the longest over the fault's trials.
 *
 * <p>Counts (CI defaults in brackets): {@code -Ddr.faults.trials=N} kill points [3]; the other
 * faults run {@code max(1, N/5)} trials each; {@code -Ddr.faults.outage=S} seconds the S3 server
 * stays down [8; 30 when N ≥ 20]; {@code -Ddr.faults.seed} [20261201] makes the kill points
 * (fractions of 0.9 x the latest fault-free cycle's duration) reproducible; {@code -Ddr.faults.deadline=S} per
 * run [300; 720 when N ≥ 20]; {@code -Ddr.faults.only=kill,pg-dump} runs only these faults
 * (names in {@link #FAULTS}). The full run is documented in README (Testing).
 */
class FaultSuiteTest {
  static final long SEED = Long.getLong("dr.faults.seed", 20261201L);
  static final int KILLS = Integer.getInteger("dr.faults.trials", 3);
  static final boolean FULL = KILLS >= 20;
  static final int EACH = Math.max(1, KILLS / 5);
  static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("dr.faults.outage",
      FULL ? 30 : 8));
  static final Duration DEADLINE = Duration.ofSeconds(Long.getLong("dr.faults.deadline",
      FULL ? 720 : 300));
  static final String DB = "chaos_app";
  static final int SCALE = Integer.getInteger("dr.faults.scale", 3);
  static final int FILES = 200;
  /** {@code -Ddr.faults.only=pg-dump,kill}: only these faults (names as in the trial tags). */
  static final List<String> ONLY = List.of(System.getProperty("dr.faults.only", "").split(","))
      .stream().map(String::strip).filter(x -> !x.isEmpty()).toList();
  static final List<String> FAULTS =
      List.of("kill", "s3-up", "s3-down", "pg-dump", "pg-restore", "temporal", "disk-full");
  static final List<RecoveryScope> BOTH = List.of(RecoveryScope.DATABASE, RecoveryScope.FILES);
  static final List<RecoveryScope> DATABASE = List.of(RecoveryScope.DATABASE);

  static TestStack stack;
  static volatile LocalTemporal temporal;
  static volatile WorkerProcess worker;
  static int workers;
  static Path uploads;
  static Path workDir;
  static String tmpfsProblem;
  static Path planFile;
  static DrPlan plan;
  static BackupStore store;
  static Runs runs;
  static Path logs;
  /** The mark (trial tag) the newest verified database and files backups hold. */
  static String backedUpMark;
  static String mark;

  final Random random = new Random(SEED);
  final List<Tally> tallies = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    List<String> unknown = ONLY.stream().filter(f -> !FAULTS.contains(f)).toList();
    assertTrue(unknown.isEmpty(), "-Ddr.faults.only names unknown faults " + unknown
        + "; the faults are " + FAULTS);
    stack = TestStack.isolated("faults");
    temporal = stack.temporal;
    logs = stack.dir.resolve("fault-logs");
    workDir = stack.dir.resolve("work");
    Files.createDirectories(workDir);
    tmpfsProblem = mountTmpfs(workDir, "256m");
    SampleApplication.createDatabase(stack.pg, DB, SCALE);
    uploads = stack.dir.resolve("uploads");
    SampleApplication.createUploads(uploads, FILES);
    stack.s3.createBucket("chaos");
    DrPlan p = stack.plan(new DatabaseTarget(stack.pg.host(), stack.pg.port(), DB,
        stack.pg.superuser(), null, "gzip"), new FilesTarget(uploads.toString()),
        stack.storage("chaos"));
    plan = p.withRecovery(new RecoverySettings(workDir.toString(), 2, List.of(),
        OnUnanswered.REMIND, Duration.ofHours(1)));
    planFile = stack.planFile(plan, "chaos");
    store = stack.clients.store(plan.storage());
    runs = new Runs(() -> temporal.client(), stack.signer("alice"));
    worker = startWorker();
  }

  @AfterAll
  static void stop() throws Exception {
    if (worker != null) {
      worker.kill9();
    }
    if (tmpfsProblem == null) {
      run(List.of("umount", "-l", workDir.toString()));
    }
    if (temporal != null) {
      temporal.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void faultsNeverLoseData() throws Exception {
    System.out.printf("fault suite: seed %d (-Ddr.faults.seed), %d kill points"
            + " (-Ddr.faults.trials), %d trial(s) per other fault, S3 outage %d s, deadline %d s%n",
        SEED, KILLS, EACH, OUTAGE.toSeconds(), DEADLINE.toSeconds());

    // a fault-free cycle: the baseline the kill points are drawn from, and the first backups
    Duration baseline = Duration.ZERO;
    if (runs("kill") || runs("temporal")) {
      Trial calibration = cycle("calibration", null);
      if (!calibration.completed) {
        throw new AssertionError("the fault-free cycle did not complete: " + calibration.detail);
      }
      baseline = faultWindow(calibration.took);
      System.out.printf("fault suite: a fault-free backup + recovery cycle takes %d ms; faults"
          + " fire within the first %d ms of a cycle%n", calibration.took.toMillis(),
          baseline.toMillis());
    }

    Tally kills = tally("worker kill -9 at a random point of backup + recovery");
    for (int i = 1; i <= KILLS; i++) {
      double at = random.nextDouble(); // drawn even when skipped: the same seed, the same points
      if (!runs("kill")) {
        continue;
      }
      // a cycle that ended before its kill point was a fault-free cycle: 0.9 x its duration is
      // the newer baseline (the first cycle also warms the worker up), and the trial runs again
      for (int attempt = 1; attempt <= 3; attempt++) {
        Trial t = cycle("kill-" + i + (attempt == 1 ? "" : "-" + attempt),
            new Fault("kill -9 at " + percent(at) + " of the cycle", baseline, at) {
              @Override
              void inject() throws Exception {
                Instant killedAt = Instant.now();
                worker.kill9();
                faultAt = killedAt;
                worker = startWorker();
              }
            });
        kills.add(t);
        if (t.injected) {
          break;
        }
        baseline = faultWindow(t.took);
      }
    }

    Tally s3Up = tally("S3 server down " + OUTAGE.toSeconds() + " s during a backup's upload");
    Tally s3Down = tally("S3 server down " + OUTAGE.toSeconds() + " s during a recovery's download");
    Tally pgDump = tally("PostgreSQL restarted during pg_dump");
    Tally pgRestore = tally("PostgreSQL restarted during pg_restore");
    Tally temporalRestart = tally("Temporal server restarted at a random point");
    Tally diskFull = tally("work directory's disk full during a recovery");
    for (int i = 1; i <= EACH; i++) {
      if (runs("s3-up")) {
        s3Up.add(backupTrial("s3-up-" + i, "S3 down while pg_dump streams into it",
            () -> processRunning("pg_dump", DB), this::s3Outage));
      }
      if (runs("s3-down")) {
        s3Down.add(recoveryTrial("s3-down-" + i, "S3 down once the download began",
            FaultSuiteTest::downloadBegan, this::s3Outage));
      }
      if (runs("pg-dump")) {
        pgDump.add(backupTrial("pg-dump-" + i, "PostgreSQL restarted while pg_dump runs",
            () -> processRunning("pg_dump", DB), FaultSuiteTest::pgRestart));
      }
      if (runs("pg-restore")) {
        pgRestore.add(recoveryTrial("pg-restore-" + i,
            "PostgreSQL restarted while pg_restore runs",
            () -> processRunning("pg_restore", DB), FaultSuiteTest::pgRestart));
      }
      double at = random.nextDouble();
      for (int attempt = 1; attempt <= 3 && runs("temporal"); attempt++) {
        Trial t = cycle("temporal-" + i + (attempt == 1 ? "" : "-" + attempt),
            new Fault("Temporal restarted at " + percent(at) + " of the cycle", baseline, at) {
              @Override
              void inject() throws Exception {
                faultAt = Instant.now();
                restartTemporal();
              }
            });
        temporalRestart.add(t);
        if (t.injected) {
          break;
        }
        baseline = faultWindow(t.took);
      }
      if (runs("disk-full")) {
        diskFull.add(diskFullTrial("disk-full-" + i));
      }
    }

    List<FaultRows.Row> rows = new ArrayList<>();
    tallies.stream().filter(t -> ONLY.isEmpty() || !t.details.isEmpty())
        .forEach(t -> rows.add(t.row()));
    FaultRows.read("retention-sweep").ifPresentOrElse(w -> rows.add(w.row()),
        () -> rows.add(new FaultRows.Row("transient S3 error during the retention sweep", 0, 0, 0,
            0, "—", "not run in this build: RetentionFaultLoopTest (activities) writes it")));
    StringBuilder out = new StringBuilder("Fault table (seed " + SEED + ", " + KILLS
        + " kill points, " + EACH + " trial(s) per other fault, S3 outage " + OUTAGE.toSeconds()
        + " s" + (ONLY.isEmpty() ? "" : "; only " + String.join(", ", ONLY)) + ")\n\n")
        .append(FaultRows.table(rows)).append("\nTrials:\n");
    tallies.forEach(t -> t.details.forEach(d -> out.append("- ").append(t.fault).append(": ")
        .append(d).append('\n')));
    rows.stream().filter(r -> !r.note().isEmpty())
        .forEach(r -> out.append("- ").append(r.fault()).append(": ").append(r.note()).append('\n'));
    System.out.println(out);
    Path file = FaultRows.dir().resolve("fault-table.md");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out.toString());

    int lost = rows.stream().mapToInt(FaultRows.Row::lost).sum();
    assertEquals(0, lost, out.toString());
  }

  /** True when {@code fault} runs in this build ({@code dr.faults.only} unset or naming it). */
  static boolean runs(String fault) {
    return ONLY.isEmpty() || ONLY.contains(fault);
  }

  /**
   * The span a cycle's fault point is drawn from: 0.9 x the latest fault-free cycle's duration,
   * so a point drawn near 100 % still falls inside a cycle that runs a little faster than the
   * one measured (cycles speed up as the worker warms up).
   */
  static Duration faultWindow(Duration faultFreeCycle) {
    return Duration.ofMillis(faultFreeCycle.toMillis() * 9 / 10);
  }

  // ---- trials ---------------------------------------------------------------------------------

  /** What one trial found. */
  static final class Trial {
    boolean completed;
    boolean lost;
    String detail;
    Duration took = Duration.ZERO;
    Duration stall;
    boolean injected = true;
  }

  /** A fault fired at a fraction of a fault-free cycle's duration, from a thread of its own. */
  abstract static class Fault {
    final String name;
    final Duration baseline;
    final double at;
    volatile Instant faultAt;
    volatile Throwable failed;
    private boolean cancelled;
    private boolean injecting;

    Fault(String name, Duration baseline, double at) {
      this.name = name;
      this.baseline = baseline;
      this.at = at;
    }

    abstract void inject() throws Exception;

    Thread fireAfter(Instant start) {
      Thread t = new Thread(() -> {
        try {
          Instant when = start.plusMillis((long) (baseline.toMillis() * at));
          while (Instant.now().isBefore(when)) {
            synchronized (this) {
              if (cancelled) {
                return; // the cycle ended before the kill point
              }
            }
            Thread.sleep(10);
          }
          synchronized (this) {
            if (cancelled) {
              return;
            }
            injecting = true;
          }
          inject();
        } catch (Throwable e) {
          failed = e;
        }
      }, "fault-" + name);
      t.start();
      return t;
    }

    /** Stops a fault that has not fired yet; one that is firing finishes. */
    synchronized void cancel() {
      cancelled = true;
    }
  }

  /**
   * A fault fired from a thread of its own once a condition holds; {@link #stop} cancels it if it
   * has not fired yet and waits for a firing one to finish (an outage runs its full length).
   */
  static final class Firer {
    private final Thread thread;
    private volatile boolean cancelled;
    private volatile Instant firedAt;
    private volatile Throwable failed;

    Firer(String name, Check when, Action fault, Instant deadline) {
      thread = new Thread(() -> {
        try {
          while (!cancelled && Instant.now().isBefore(deadline)) {
            if (when.holds()) {
              firedAt = Instant.now();
              fault.run();
              return;
            }
            Thread.sleep(10);
          }
        } catch (Throwable e) {
          failed = e;
        }
      }, "fault-" + name);
      thread.start();
    }

    /** When it fired (null: never). */
    Instant stop() throws InterruptedException {
      cancelled = true;
      thread.join();
      if (failed != null) {
        throw new AssertionError("injecting the fault failed", failed);
      }
      return firedAt;
    }
  }

  /**
   * One cycle: mark the live data, back up the database and the files, destroy both, recover
   * both (approving the swaps, retrying failed steps), compare. {@code fault} fires on the way.
   */
  Trial cycle(String tag, Fault fault) throws Exception {
    Trial trial = new Trial();
    prepareTrial(tag);
    var beforeDb = fingerprintDb();
    var beforeFiles = DataFingerprint.tree(uploads);
    Instant start = Instant.now();
    Instant deadline = start.plus(DEADLINE);
    Thread injector = fault == null ? null : fault.fireAfter(start);
    String where = "";
    try {
      String dbRun = runs.startBackup(BackupKind.DATABASE, deadline);
      var db = runs.awaitBackup(dbRun, deadline);
      Runs.Ended<BackupResult> files = db.ok()
          ? runs.awaitBackup(runs.startBackup(BackupKind.FILES, deadline), deadline) : null;
      if (!db.ok() || !files.ok()) {
        var failed = !db.ok() ? db : files;
        where = "backup " + (failed.timedOut() ? "stalled" : "failed") + ": " + failed.failure();
        if (failed.timedOut()) {
          runs.terminateOpen("fault suite: trial " + tag + " passed its deadline");
        }
        boolean unchanged = beforeDb.equals(fingerprintDb())
            && beforeFiles.equals(DataFingerprint.tree(uploads));
        trial.lost = !unchanged;
        where += unchanged ? "; live data unchanged" : "; LIVE DATA CHANGED";
      } else {
        backedUpMark = mark;
        destroyLiveData();
        // the recovery gets a deadline of its own
        var report = runs.recover("CHAOS-" + tag, BOTH, FaultSuiteTest::approveOrRetry,
            Instant.now().plus(DEADLINE));
        where = judgeRecovery(trial, tag, BOTH, report, beforeDb, beforeFiles);
      }
    } finally {
      if (injector != null) {
        fault.cancel();
        injector.join();
      }
    }
    trial.took = Duration.between(start, Instant.now());
    if (fault != null) {
      if (fault.failed != null) {
        throw new AssertionError("injecting " + fault.name + " failed", fault.failed);
      }
      trial.injected = fault.faultAt != null;
      if (trial.injected) {
        trial.stall = runs.stallAfter(start, fault.faultAt).orElse(null);
      }
    }
    catalogCheck(trial, start);
    trial.detail = tag + (fault == null ? "" : " (" + fault.name + ")") + ": "
        + (trial.injected ? "" : "fault NOT injected (the cycle ended before its point; not"
            + " counted, run again), ") + where + ", " + secs(trial.took) + " in all";
    System.out.println("fault suite: " + trial.detail);
    return trial;
  }

  /** A database backup with {@code fault} fired once {@code when} holds. */
  Trial backupTrial(String tag, String what, Check when, Action fault) throws Exception {
    Trial trial = new Trial();
    prepareTrial(tag);
    var before = fingerprintDb();
    Instant start = Instant.now();
    Instant deadline = start.plus(DEADLINE);
    Firer firer = new Firer(tag, when, fault, deadline);
    String run = runs.startBackup(BackupKind.DATABASE, deadline);
    var ended = runs.awaitBackup(run, deadline);
    Instant faultAt = firer.stop();
    String where;
    if (ended.ok()) {
      Optional<String> problem = restoreProblem(ended.result(), before);
      trial.completed = problem.isEmpty();
      trial.lost = problem.isPresent();
      where = problem.map(p -> "backup completed but does NOT restore: " + p)
          .orElse("backup completed, restores to the live data");
      if (trial.completed) {
        backedUpMark = null; // only the database is backed up: the next recovery backs up both
      }
    } else {
      if (ended.timedOut()) {
        runs.terminateOpen("fault suite: trial " + tag + " passed its deadline");
      }
      boolean unchanged = before.equals(fingerprintDb());
      trial.lost = !unchanged;
      where = "backup " + (ended.timedOut() ? "stalled" : "failed") + ": " + ended.failure()
          + (unchanged ? "; live data unchanged" : "; LIVE DATA CHANGED");
    }
    trial.took = Duration.between(start, Instant.now());
    trial.injected = faultAt != null;
    if (faultAt != null) {
      trial.stall = runs.stallAfter(start, faultAt).orElse(null);
    }
    catalogCheck(trial, start);
    trial.detail = tag + " (" + what + "): " + (faultAt == null ? "fault NOT injected (the"
        + " condition never held), " : "") + where + ", " + secs(trial.took);
    System.out.println("fault suite: " + trial.detail);
    return trial;
  }

  /** A database recovery after a disaster, with {@code fault} fired once {@code when} holds. */
  Trial recoveryTrial(String tag, String what, Check when, Action fault) throws Exception {
    Trial trial = new Trial();
    prepareTrial(tag);
    ensureBackups();
    var before = fingerprintDb();
    var beforeFiles = DataFingerprint.tree(uploads);
    Instant start = Instant.now();
    Instant deadline = start.plus(DEADLINE);
    stack.pg.dropDatabase(DB);
    Firer firer = new Firer(tag, when, fault, deadline);
    var report = runs.recover("CHAOS-" + tag, DATABASE, FaultSuiteTest::approveOrRetry,
        deadline);
    Instant faultAt = firer.stop();
    String where = judgeRecovery(trial, tag, DATABASE, report, before, beforeFiles);
    trial.took = Duration.between(start, Instant.now());
    trial.injected = faultAt != null;
    if (faultAt != null) {
      trial.stall = runs.stallAfter(start, faultAt).orElse(null);
    }
    catalogCheck(trial, start);
    trial.detail = tag + " (" + what + "): " + (faultAt == null ? "fault NOT injected (the"
        + " condition never held), " : "") + where + ", " + secs(trial.took);
    System.out.println("fault suite: " + trial.detail);
    return trial;
  }

  /**
   * A recovery while the live database is intact (say, to undo a bad change) with the work
   * directory's file system full: the restore fails clearly, the live database stays as it was,
   * and a RETRY after space was freed finishes the recovery with the backup's data.
   */
  Trial diskFullTrial(String tag) throws Exception {
    Trial trial = new Trial();
    if (tmpfsProblem != null) {
      trial.injected = false;
      trial.detail = tag + ": not run: " + tmpfsProblem;
      return trial;
    }
    prepareTrial(tag);
    ensureBackups();
    var before = fingerprintDb();
    var beforeFiles = DataFingerprint.tree(uploads);
    Path filler = workDir.resolve("filler");
    fill(filler, 256 * 1024);
    Instant start = Instant.now();
    Instant deadline = start.plus(DEADLINE);
    StringBuilder seen = new StringBuilder();
    Instant[] asked = new Instant[1];
    Function<PendingDecision, Verdict> policy = p -> {
      if (p.step().contains("-failed-")) {
        if (asked[0] == null) {
          asked[0] = Instant.now();
        }
        boolean liveIntact;
        try {
          liveIntact = before.equals(fingerprintDb());
        } catch (Exception e) {
          liveIntact = false;
        }
        seen.append("failed step asked a human (").append(p.step()).append(": ")
            .append(p.description()).append("), live database ")
            .append(liveIntact ? "intact" : "CHANGED").append("; ");
        if (!liveIntact) {
          trial.lost = true;
        }
        try {
          Files.deleteIfExists(filler);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        return Verdict.RETRY;
      }
      return approveOrRetry(p);
    };
    var report = runs.recover("CHAOS-" + tag, DATABASE, policy, deadline);
    Files.deleteIfExists(filler);
    boolean lostBefore = trial.lost;
    String where = judgeRecovery(trial, tag, DATABASE, report, before, beforeFiles);
    trial.lost |= lostBefore;
    trial.took = Duration.between(start, Instant.now());
    // how long the recovery hung on the full disk before it asked a human
    trial.stall = asked[0] == null ? null : Duration.between(start, asked[0]);
    catalogCheck(trial, start);
    if (seen.length() == 0) {
      trial.detail = tag + ": the restore did NOT fail on the full disk; " + where;
    } else {
      trial.detail = tag + ": " + seen + "space freed, RETRY: " + where + ", " + secs(trial.took);
    }
    System.out.println("fault suite: " + trial.detail);
    return trial;
  }

  /**
   * Classifies a recovery's end; when it did not recover, a fault-free recovery afterwards must
   * bring the data back (else the backups were not good: data lost).
   */
  String judgeRecovery(Trial trial, String tag, List<RecoveryScope> scope,
      Runs.Ended<RecoveryReport> report, Map<String, DataFingerprint.Table> beforeDb,
      Map<String, String> beforeFiles) throws Exception {
    if (report.ok() && report.result().outcome() == Outcome.RECOVERED) {
      Optional<String> diff = liveDiff(beforeDb, beforeFiles);
      trial.completed = diff.isEmpty();
      trial.lost = diff.isPresent();
      return diff.map(d -> "RECOVERED but the data DIFFERS: " + d)
          .orElse("RECOVERED, data verified");
    }
    if (report.timedOut()) {
      runs.terminateOpen("fault suite: trial " + tag + " passed its deadline");
    }
    String why = report.ok() ? report.result().outcome() + ": " + report.result().outcomeDetail()
        : (report.timedOut() ? "stalled: " : "failed: ") + report.failure();
    // the recovery stopped: a fault-free one must still bring the data back from the backups
    var again = runs.recover("CHAOS-" + tag + "-again", scope, FaultSuiteTest::approveOrRetry,
        Instant.now().plus(DEADLINE));
    Optional<String> diff = again.ok() && again.result().outcome() == Outcome.RECOVERED
        ? liveDiff(beforeDb, beforeFiles) : Optional.of("the recovery afterwards did not recover: "
            + (again.ok() ? again.result().outcomeDetail() : again.failure()));
    trial.lost = diff.isPresent();
    return "recovery stopped (" + why + "); "
        + diff.map(d -> "DATA LOST: " + d).orElse("a fault-free recovery afterwards verified");
  }

  static Verdict approveOrRetry(PendingDecision p) {
    if (p.step().endsWith("-swap")) {
      return Verdict.APPROVE;
    }
    if (p.step().contains("-failed-")) {
      return Integer.parseInt(p.step().replaceAll(".*-failed-", "")) <= 3
          ? Verdict.RETRY : Verdict.ABORT;
    }
    return null;
  }

  // ---- faults ---------------------------------------------------------------------------------

  interface Check {
    boolean holds() throws Exception;
  }

  interface Action {
    void run() throws Exception;
  }

  void s3Outage() throws Exception {
    stack.s3.stopServer();
    try {
      Thread.sleep(OUTAGE.toMillis());
    } finally {
      stack.s3.startServer();
    }
  }

  static void pgRestart() throws Exception {
    stack.pg.restartServer();
  }

  static void restartTemporal() throws Exception {
    String before = temporal.target();
    LocalTemporal old = temporal;
    old.close();
    temporal = old.restart();
    if (!temporal.target().equals(before)) {
      // the worker keeps dialling the old address: a new one for the new address
      worker.kill9();
      worker = startWorker();
    }
  }

  /** The recovery's download began: a file appeared under the work directory. */
  static boolean downloadBegan() throws IOException {
    try (var s = Files.walk(workDir)) {
      return s.anyMatch(p -> Files.isRegularFile(p) && !p.getFileName().toString().equals("filler")
          && !p.getFileName().toString().startsWith("lost+found"));
    } catch (java.io.UncheckedIOException racing) {
      return false;
    }
  }

  /** True while a process whose program is {@code program} has an argument containing {@code s}. */
  static boolean processRunning(String program, String s) {
    try (var procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().matches("\\d+")).anyMatch(p -> {
        try {
          String[] args = new String(Files.readAllBytes(p.resolve("cmdline")),
              StandardCharsets.UTF_8).split("\0");
          if (args.length == 0 || !Path.of(args[0]).getFileName().toString().equals(program)) {
            return false;
          }
          for (String a : args) {
            if (a.contains(s)) {
              return true;
            }
          }
          return false;
        } catch (Exception gone) {
          return false;
        }
      });
    } catch (Exception e) {
      return false;
    }
  }

  /** Fills the file system of {@code file} until {@code leaveBytes} are left. */
  static void fill(Path file, long leaveBytes) throws IOException {
    long free = Files.getFileStore(file.getParent()).getUsableSpace();
    long size = Math.max(0, free - leaveBytes);
    run(List.of("fallocate", "-l", Long.toString(size), file.toString()));
  }

  /** Mounts a tmpfs of {@code size} on {@code dir}; null when mounted, else why not. */
  static String mountTmpfs(Path dir, String size) {
    try {
      String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs",
          dir.toString()));
      return out == null ? null : "cannot mount a tmpfs on the work directory: " + out;
    } catch (IOException e) {
      return "cannot mount a tmpfs on the work directory: " + e.getMessage();
    }
  }

  /** Runs a command; null when it exited 0, else its output. */
  static String run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      return p.waitFor() == 0 ? null : String.join(" ", cmd) + ": " + out.strip();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  // ---- data -----------------------------------------------------------------------------------

  /** Marks the live data with the trial's tag (so an older backup cannot pass for this one). */
  static void prepareTrial(String tag) throws Exception {
    mark = tag;
    if (!worker.alive()) {
      worker = startWorker();
    }
    // leftovers of earlier recoveries (downloads) must not fill the work directory
    try (var s = Files.list(workDir)) {
      for (Path p : s.toList()) {
        TestStack.deleteTree(p);
      }
    }
    try (Connection c = stack.pg.connect(DB); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS chaos_mark (tag text NOT NULL)");
      st.execute("DELETE FROM chaos_mark");
      st.execute("INSERT INTO chaos_mark VALUES ('" + tag.replace("'", "''") + "')");
    }
    Files.writeString(uploads.resolve("chaos-mark.txt"), tag + "\n");
  }

  /** Fault-free backups of both kinds unless the newest verified ones hold the current mark. */
  static void ensureBackups() throws Exception {
    if (mark.equals(backedUpMark)) {
      return;
    }
    Instant deadline = Instant.now().plus(DEADLINE);
    for (BackupKind kind : List.of(BackupKind.DATABASE, BackupKind.FILES)) {
      var ended = runs.awaitBackup(runs.startBackup(kind, deadline), deadline);
      if (!ended.ok()) {
        throw new AssertionError("a fault-free " + kind + " backup failed: " + ended.failure());
      }
    }
    backedUpMark = mark;
  }

  static void destroyLiveData() {
    stack.pg.dropDatabase(DB);
    TestStack.deleteTree(uploads);
  }

  static Map<String, DataFingerprint.Table> fingerprintDb() throws Exception {
    try (Connection c = stack.pg.connect(DB)) {
      return DataFingerprint.database(c);
    }
  }

  /** How the live data differs from before, if it does. */
  static Optional<String> liveDiff(Map<String, DataFingerprint.Table> db, Map<String, String> files)
      throws Exception {
    List<String> d = new ArrayList<>();
    try (Connection c = stack.pg.connect(DB)) {
      var now = DataFingerprint.databaseLike(c, db);
      db.forEach((table, t) -> {
        if (!t.equals(now.get(table))) {
          d.add(table + ": " + t.rows() + " rows before, " + now.get(table).rows() + " after");
        }
      });
    } catch (Exception e) {
      d.add("database: " + e.getMessage());
    }
    var tree = Files.exists(uploads) ? DataFingerprint.tree(uploads) : Map.<String, String>of();
    if (!files.equals(tree)) {
      long differ = files.entrySet().stream()
          .filter(e -> !e.getValue().equals(tree.get(e.getKey()))).count();
      d.add("files: " + differ + " of " + files.size() + " differ, " + tree.size() + " now");
    }
    return d.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", d));
  }

  /** Why the database backup does not restore to {@code before}, if it does not. */
  static Optional<String> restoreProblem(BackupResult r, Map<String, DataFingerprint.Table> before)
      throws Exception {
    var verified = new BackupVerifier(store, n -> { }).verify(r.backupId());
    if (!verified.valid()) {
      return Optional.of("checksum: " + verified.problem());
    }
    Path file = stack.dir.resolve("verify-" + r.backupId() + ".dump");
    String scratch = DB + "_verify";
    try {
      try (InputStream in = store.open(r.dataKey())) {
        Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      stack.pg.dropDatabase(scratch);
      stack.pg.createDatabase(scratch);
      PgTools.Output out = PgTools.run(List.of("pg_restore", "--exit-on-error", "-d", scratch,
          file.toString()), stack.pg.clientEnv(), Duration.ofMinutes(3));
      if (out.exitCode() != 0) {
        return Optional.of("pg_restore: " + out.stderr());
      }
      try (Connection c = stack.pg.connect(scratch)) {
        var restored = DataFingerprint.databaseLike(c, before);
        return restored.equals(before) ? Optional.empty()
            : Optional.of("restored data differs from the live data");
      }
    } finally {
      Files.deleteIfExists(file);
      stack.pg.dropDatabase(scratch);
    }
  }

  /** Every backup catalogued as present since {@code since} must re-read with its checksum. */
  static void catalogCheck(Trial trial, Instant since) {
    try {
      for (StoredBackup b : StorageActivitiesImpl.catalog(store).backups()) {
        if (b.state() != StoredBackup.DataState.PRESENT
            || b.manifest().startedAt().isBefore(since.minusSeconds(2))) {
          continue;
        }
        var v = new BackupVerifier(store, n -> { }).verify(b.manifest().backupId());
        if (!v.valid()) {
          trial.lost = true;
          trial.completed = false;
          System.out.println("fault suite: backup " + b.manifest().backupId()
              + " is catalogued but does not verify: " + v.problem());
        }
      }
    } catch (RuntimeException e) {
      throw new AssertionError("cannot read the catalog after a trial", e);
    }
  }

  // ---- workers, table ---------------------------------------------------------------------------

  static WorkerProcess startWorker() throws IOException {
    return WorkerProcess.start(temporal.target(), stack, planFile,
        logs.resolve("worker-" + (++workers) + ".log"));
  }

  Tally tally(String fault) {
    Tally t = new Tally(fault);
    tallies.add(t);
    return t;
  }

  /** One fault's trials. */
  static final class Tally {
    final String fault;
    int trials;
    int completed;
    int aborted;
    int lost;
    Duration longest;
    final List<String> details = new ArrayList<>();

    Tally(String fault) {
      this.fault = fault;
    }

    void add(Trial t) {
      details.add(t.detail);
      if (!t.injected) {
        return; // not a trial of this fault
      }
      trials++;
      if (t.lost) {
        lost++;
      } else if (t.completed) {
        completed++;
      } else {
        aborted++;
      }
      if (t.stall != null && (longest == null || t.stall.compareTo(longest) > 0)) {
        longest = t.stall;
      }
    }

    FaultRows.Row row() {
      return new FaultRows.Row(fault, trials, completed, aborted, lost,
          longest == null ? "—" : secs(longest), "");
    }
  }

  static String secs(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  static String percent(double at) {
    return String.format(Locale.ROOT, "%.0f%%", at * 100);
  }
}
