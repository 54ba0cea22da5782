package io.drorch.activities.storage;

import static io.drorch.activities.storage.SweepHarness.intact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.ActivityTestBase;
import io.drorch.activities.common.Json;
import io.drorch.activities.storage.FaultInjector.Fault;
import io.drorch.local.FaultRows;
import io.drorch.workflows.backup.BackupKeys;
import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.commands.WriteLeaseInput;
import io.drorch.workflows.contracts.plan.StorageTarget;
import io.drorch.workflows.contracts.values.BackupKind;
import io.drorch.workflows.contracts.values.BackupLease;
import io.drorch.workflows.contracts.values.BackupManifest;
import io.drorch.workflows.contracts.values.RetentionResult;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fault loop "a transient S3 error during the retention sweep" (issue 8, item 8): each trial
 * builds a fresh bucket prefix with backups that must stay (in retention, newest, verified,
 * leased, a malformed manifest's data, the target of a crafted manifest, keys that are not backup
 * keys) and backups that may go, then sweeps with one fault burst starting at a random request
 * (seeded): a dropped connection before or after the server acted, or a truncated body, cycled,
 * 1, 4, 16 or 64 requests long, cycled (short bursts are absorbed by the retries of the SDK or of
 * the activity, 64 outlasts them and aborts the sweep).
 *
 * <p>After every trial: nothing that must stay is touched (data lost must be 0), no manifest
 * names missing data, a completed sweep deleted exactly the expired backups, an aborted one failed
 * with RETENTION_ABORTED after telling the channels, and a fault-free sweep afterwards finishes the
 * job. Trials: {@code -Ddr.faults.trials=N} (default 5, the CI count); the full run is 20:
 * {@code mvn -pl activities -am verify -Dtest=RetentionFaultLoopTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Ddr.faults.trials=20}. The table is printed and written
 * to {@code activities/target/faults/retention-sweep.md}.
 */
class RetentionFaultLoopTest extends ActivityTestBase {
  static final String BUCKET = "retention-faults";
  static final long SEED = Long.getLong("dr.faults.seed", 20261201L);
  /** Burst lengths, cycled with the three faults (every pairing within 12 trials). */
  static final int[] BURSTS = {1, 4, 16, 64};

  @Test
  void aTransientS3ErrorDuringTheSweepNeverLosesData() throws IOException {
    int trials = Integer.getInteger("dr.faults.trials", 5);
    s3.createBucket(BUCKET);
    Random random = new Random(SEED);
    int completed = 0;
    int abortedCleanly = 0;
    int dataLost = 0;
    int finishedAfter = 0;
    long longestSweepMs = 0;
    List<String> lines = new ArrayList<>();
    try (SweepHarness h = new SweepHarness(s3.credentials())) {
      // calibration: how many requests a fault-free sweep of one fixture makes
      Fixture calibration = new Fixture(h, "faults-calibration");
      int before = h.faults.requests();
      h.sweep(calibration.st);
      int requests = h.faults.requests() - before;
      assertTrue(calibration.expectedAfterCompletedSweep(), "the calibration sweep did its job");

      for (int trial = 1; trial <= trials; trial++) {
        Fixture f = new Fixture(h, "faults-" + SEED + "-" + trial);
        h.faults.clear();
        h.notified.clear();
        int at = 1 + random.nextInt(requests);
        int burst = BURSTS[trial % BURSTS.length];
        Fault fault = Fault.values()[trial % Fault.values().length];
        h.faults.failRequests(at, burst, fault);
        String outcome;
        long t0 = System.nanoTime();
        try {
          RetentionResult r = h.sweep(f.st);
          boolean exact = f.expectedAfterCompletedSweep()
              && r.deletedBackups().stream().sorted().toList().equals(f.expiredIds());
          outcome = exact ? "completed" : "completed WRONGLY " + r.deletedBackups();
          completed += exact ? 1 : 0;
        } catch (WorkflowFailedException e) {
          boolean clean = e.getCause() instanceof ApplicationFailure af
              && DrError.RETENTION_ABORTED.name().equals(af.getType())
              && h.events().contains("retention-aborted");
          outcome = clean ? "aborted cleanly" : "aborted UNCLEANLY: " + e.getCause();
          abortedCleanly += clean ? 1 : 0;
        }
        longestSweepMs = Math.max(longestSweepMs, (System.nanoTime() - t0) / 1_000_000);
        List<String> lost = f.lost();
        dataLost += lost.isEmpty() ? 0 : 1;
        int injected = h.faults.injected().size();
        h.faults.clear();
        h.sweep(f.st);
        List<String> lostAfter = f.lost();
        boolean done = f.expectedAfterCompletedSweep();
        finishedAfter += done ? 1 : 0;
        lines.add(String.format("| %d | %s at request %d of %d, %d long | %s | %d | %s | %s |",
            trial, fault, at, requests, burst, outcome, injected,
            lost.isEmpty() ? "none" : String.join(", ", lost),
            done ? "yes" : "NO: lost " + lostAfter + ", left " + f.expired.stream()
                .filter(m -> !SweepHarness.gone(f.store, m)).map(BackupManifest::backupId).toList()));
        h.faults.clear();
      }
    }

    StringBuilder table = new StringBuilder();
    table.append("Fault: a transient S3 error during the retention sweep (seed ").append(SEED)
        .append(")\n\n| trials | sweeps completed | sweeps aborted cleanly | data lost |\n")
        .append("|---|---|---|---|\n")
        .append(String.format("| %d | %d | %d | %d |%n", trials, completed, abortedCleanly, dataLost))
        .append("\n| trial | fault | outcome | faults injected | lost | next sweep finished |\n")
        .append("|---|---|---|---|---|---|\n");
    lines.forEach(l -> table.append(l).append('\n'));
    System.out.println(table);
    Path out = Path.of("target", "faults", "retention-sweep.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table.toString());
    // the row of the one fault table FaultSuiteTest (starter) prints
    FaultRows.write("retention-sweep", new FaultRows.Row(
        "transient S3 error during the retention sweep", trials, completed, abortedCleanly,
        dataLost, String.format(java.util.Locale.ROOT, "%.1f s (longest sweep)",
            longestSweepMs / 1000.0), "RetentionFaultLoopTest, seed " + SEED));

    assertEquals(0, dataLost, table.toString());
    assertEquals(trials, completed + abortedCleanly, table.toString());
    assertEquals(trials, finishedAfter, table.toString());
  }

  /** One trial's prefix: what must stay, what may go. */
  static final class Fixture {
    final StorageTarget st;
    final BackupStore store;
    final List<BackupManifest> keep = new ArrayList<>();
    final List<BackupManifest> expired = new ArrayList<>();
    final List<String> keepKeys = new ArrayList<>();

    Fixture(SweepHarness h, String prefix) {
      st = storage(BUCKET, prefix);
      store = clients.store(st);
      Instant now = h.now();
      int n = 0;
      for (int age : new int[] {1, 10, 20}) {
        keep.add(SweepHarness.backup(store, BackupKind.DATABASE, now, Duration.ofDays(age), ++n));
      }
      keep.add(SweepHarness.backup(store, BackupKind.FILES, now, Duration.ofDays(2), ++n));
      for (int age : new int[] {32, 35, 45}) {
        expired.add(SweepHarness.backup(store, BackupKind.DATABASE, now, Duration.ofDays(age), ++n));
      }
      for (int age : new int[] {33, 50}) {
        expired.add(SweepHarness.backup(store, BackupKind.FILES, now, Duration.ofDays(age), ++n));
      }
      // kept by keep-verified (1) and by a lease
      BackupManifest verified =
          SweepHarness.backup(store, BackupKind.DATABASE, now, Duration.ofDays(40), ++n);
      SweepHarness.markVerified(store, st, verified);
      keep.add(verified);
      BackupManifest leased =
          SweepHarness.backup(store, BackupKind.FILES, now, Duration.ofDays(40), ++n);
      new StorageActivitiesImpl(clients).writeLease(new WriteLeaseInput(st, new BackupLease(
          "recovery-INC-" + prefix, List.of(leased.backupId()), now, now.plus(Duration.ofDays(7)),
          "recovery")));
      keep.add(leased);
      // a malformed manifest protects its data; a crafted one deletes nothing
      BackupManifest broken =
          SweepHarness.backup(store, BackupKind.DATABASE, now, Duration.ofDays(60), ++n);
      String brokenKey = BackupKeys.manifestKey(st, BackupKind.DATABASE, broken.backupId());
      clients.client(st).deleteObject(b -> b.bucket(BUCKET).key(brokenKey));
      store.putIfAbsent(brokenKey, "{\"backupId\":".getBytes(StandardCharsets.UTF_8),
          "application/json");
      keepKeys.add(broken.dataKey());
      Instant old = now.minus(Duration.ofDays(70));
      String craftedId = SweepHarness.id(BackupKind.DATABASE, old, ++n);
      store.putIfAbsent(BackupKeys.manifestKey(st, BackupKind.DATABASE, craftedId),
          Json.bytes(new BackupManifest(1, craftedId, BackupKind.DATABASE, "app",
              keep.get(0).dataKey(), "f", 1, "x", old, old, "wf", null, null)),
          "application/json");
      for (String k : List.of("database/notes.txt", "config/ai-docs.env", "files/README")) {
        store.putIfAbsent(BackupKeys.root(st) + k, "x".getBytes(StandardCharsets.UTF_8),
            "text/plain");
        keepKeys.add(BackupKeys.root(st) + k);
      }
    }

    List<String> expiredIds() {
      return expired.stream().map(BackupManifest::backupId).sorted().toList();
    }

    /** What must stay and is not whole any more; empty when nothing is lost. */
    List<String> lost() {
      List<String> lost = new ArrayList<>();
      keep.stream().filter(m -> !intact(store, m)).forEach(m -> lost.add(m.backupId()));
      keepKeys.stream().filter(k -> store.head(k).isEmpty()).forEach(lost::add);
      // manifests are deleted first: a manifest never names missing data
      for (BackupManifest m : expired) {
        if (store.head(BackupKeys.manifestKey(st, m.kind(), m.backupId())).isPresent()
            && store.head(m.dataKey()).isEmpty()) {
          lost.add("dangling manifest " + m.backupId());
        }
      }
      return lost;
    }

    boolean expectedAfterCompletedSweep() {
      return lost().isEmpty() && expired.stream().allMatch(m -> SweepHarness.gone(store, m));
    }
  }
}
