package io.drorch.starter.cli;

import io.drorch.starter.bench.BackupBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark backups against the bare tools (pg_dump -Fc, tar -czf, tar | pigz)"
        + " side by side on a local stack; prints ratios and the peak heap. Run with a bounded"
        + " heap to check the memory bound: DR_JAVA_OPTS=-Xmx256m ./dr bench")
class BenchCommand implements Callable<Integer> {
  @Option(names = "--dir", description = "Work directory, datasets are cached here (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of("bench-work");

  @Option(names = "--pgbench-scale", description = "pgbench scale (default: ${DEFAULT-VALUE}).")
  int scale = 50;

  @Option(names = "--realistic-mb", description = "Approximate size of the realistic table set in MB (default: ${DEFAULT-VALUE}).")
  int realisticMb = 1000;

  @Option(names = "--uploads-mb", description = "Size of the uploads tree in MB (default: ${DEFAULT-VALUE}).")
  int uploadsMb = 500;

  @Override
  public Integer call() throws Exception {
    return BackupBenchmark.task(dir, scale, realisticMb, uploadsMb, System.out).call();
  }
}
