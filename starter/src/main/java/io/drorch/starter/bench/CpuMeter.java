package io.drorch.starter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU seconds spent on this machine by everything a benchmark case runs: this JVM (the worker
 * and the client), its child processes (pg_dump, pg_restore, tar, pigz, zstd; the S3 server and
 * the Temporal dev server) and the PostgreSQL cluster (postmaster and its backends, autovacuum
 * included). On a shared machine wall time depends on what colleagues run; CPU time much less, so
 * the benchmark reports both. Linux only ({@code /proc}); elsewhere every reading is 0.
 *
 * <p>Per process {@code utime + stime + cutime + cstime} from {@code /proc/PID/stat}: a child that
 * ends and is waited for moves its time into its parent's {@code cutime}, so nothing is lost or
 * counted twice while the parent is measured too.
 */
final class CpuMeter {
  private static final double TICKS = 100.0; // USER_HZ: 100 on every Linux of interest
  private final Path postmasterPid;

  /** @param dataDir the cluster's data directory (its {@code postmaster.pid} names the server) */
  CpuMeter(Path dataDir) {
    this.postmasterPid = dataDir.resolve("postmaster.pid");
  }

  /** CPU seconds used so far by the JVM, its descendants and the PostgreSQL cluster. */
  double now() {
    List<Long> pids = new ArrayList<>();
    pids.add(ProcessHandle.current().pid());
    ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
    try {
      String first = Files.readAllLines(postmasterPid).get(0).strip();
      pids.add(Long.parseLong(first));
    } catch (IOException | RuntimeException e) {
      // no cluster: only the JVM's side
    }
    long ticks = 0;
    for (long pid : pids) {
      ticks += ticks(pid);
    }
    return ticks / TICKS;
  }

  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // fields after the command name (which may hold spaces) start after the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // f[0] is field 3 (state): utime = field 14 → f[11], stime f[12], cutime f[13], cstime f[14]
      return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
          + Long.parseLong(f[14]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
