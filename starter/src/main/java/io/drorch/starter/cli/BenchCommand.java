package io.drorch.starter.cli;

import io.drorch.starter.bench.BackupBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark backups and recoveries against the bare tools (pg_dump -Fc,"
        + " download + pg_restore -j 2, tar -czf, tar | pigz, tar | zstd) side by side on a local"
        + " stack; prints ratios, CPU seconds, the peak heap and our side step by step. Run with a"
        + " bounded heap to check the memory bound: DR_JAVA_OPTS=-Xmx256m ./dr bench")
class BenchCommand implements Callable<Integer> {
  @Option(names = "--dir", description = "Work directory, datasets are cached here (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of("bench-work");

  @Option(names = "--pgbench-scale", description = "pgbench scale (default: ${DEFAULT-VALUE}).")
  int scale = 50;

  @Option(names = "--realistic-mb", description = "Approximate size of the realistic table set in MB (default: ${DEFAULT-VALUE}).")
  int realisticMb = 1000;

  @Option(names = "--uploads-mb", description = "Size of the uploads tree in MB (default: ${DEFAULT-VALUE}).")
  int uploadsMb = 500;

  @Option(names = "--repeat", description = "Run every case N times, bare and ours alternating,"
      + " and report the medians (default: ${DEFAULT-VALUE}).")
  int repeat = 1;

  @Option(names = "--out", description = "Also write the results as DIR/bench.md (the README's"
      + " benchmark section) and DIR/bench.json.")
  Path out;

  @Override
  public Integer call() throws Exception {
    String xmx = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
        .stream().filter(a -> a.startsWith("-Xmx")).reduce((a, b) -> b).orElse(null);
    StringBuilder cmd = new StringBuilder(xmx == null ? "" : "DR_JAVA_OPTS=" + xmx + " ")
        .append("./dr bench");
    cmd.append(" --pgbench-scale ").append(scale).append(" --realistic-mb ").append(realisticMb)
        .append(" --uploads-mb ").append(uploadsMb);
    if (repeat > 1) {
      cmd.append(" --repeat ").append(repeat);
    }
    return BackupBenchmark.task(dir, scale, realisticMb, uploadsMb, repeat, out, cmd.toString(),
        System.out).call();
  }
}
