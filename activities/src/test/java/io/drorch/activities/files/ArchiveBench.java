package io.drorch.activities.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * Wall time of our archiver (tar + SHA-256 per file + parallel gzip) into a local file against
 * {@code tar -czf} and {@code tar -cf - | pigz -p2}, on a generated tree (~1/3 random bytes,
 * 2/3 text-like) or a given one. Not a test; run by hand:
 *
 * <pre>
 * java -cp activities/target/classes:activities/target/test-classes:$(cat cp.txt) \
 *     io.drorch.activities.files.ArchiveBench [sizeMB | DIR] [threads]
 * </pre>
 */
public final class ArchiveBench {
  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "200";
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Path work = Files.createTempDirectory("archive-bench-");
    Path src;
    if (what.matches("\\d+")) {
      src = work.resolve("tree");
      generate(src, Long.parseLong(what) * 1024 * 1024);
    } else {
      src = Path.of(what);
    }
    Path ours = work.resolve("ours.tar.gz");
    for (int round = 0; round < 2; round++) { // round 0 warms the JIT and the page cache
      long t0 = System.nanoTime();
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(ours), 1 << 20);
          ParallelGzipOutputStream gz = new ParallelGzipOutputStream(file, threads,
              ParallelGzipOutputStream.DEFAULT_BLOCK_SIZE, Deflater.DEFAULT_COMPRESSION);
          ListingEntry.Writer listing =
              new ListingEntry.Writer(Files.newOutputStream(work.resolve("listing.jsonl")))) {
        ArchiveSummary s = TarArchiver.write(src, gz, listing, TarArchiver.Progress.NONE);
        gz.finish();
        if (round == 1) {
          double sec = (System.nanoTime() - t0) / 1e9;
          System.out.printf("ours (%d threads): %.2f s, %d files, %d MB in, %.1f MB out%n",
              threads, sec, s.files(), s.totalBytes() >> 20, Files.size(ours) / 1048576.0);
          double tarCz = time(work, "tar", "-czf", "tar.tar.gz", "-C", src.toString(), ".");
          double pigz = time(work, "sh", "-c", "tar -cf - -C '" + src + "' . | pigz -p2 > p.tar.gz");
          System.out.printf("tar -czf: %.2f s (%.1f MB)  ratio ours/tar = %.2f%n", tarCz,
              Files.size(work.resolve("tar.tar.gz")) / 1048576.0, sec / tarCz);
          System.out.printf("tar | pigz -p2: %.2f s (%.1f MB)  ratio ours/pigz = %.2f%n", pigz,
              Files.size(work.resolve("p.tar.gz")) / 1048576.0, sec / pigz);
        }
      }
    }
    try (var s = Files.walk(work)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static double time(Path cwd, String... cmd) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(List.of(cmd)).directory(cwd.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed");
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Files of 1 KB–4 MB in 20 directories until {@code bytes}: 1/3 random, 2/3 text-like. */
  static void generate(Path root, long bytes) throws IOException {
    Random rnd = new Random(1);
    String[] words = "the of backup restore file user upload image report invoice 2026 id"
        .split(" ");
    long written = 0;
    for (int i = 0; written < bytes; i++) {
      Path dir = root.resolve("d" + (i % 20));
      Files.createDirectories(dir);
      int size = (int) Math.min(bytes - written, 1024 + rnd.nextInt(4 * 1024 * 1024));
      byte[] b = new byte[size];
      if (i % 3 == 0) {
        rnd.nextBytes(b);
      } else {
        int pos = 0;
        while (pos < size) {
          byte[] w = (words[rnd.nextInt(words.length)] + (rnd.nextInt(10) == 0 ? "\n" : " "))
              .getBytes();
          int n = Math.min(w.length, size - pos);
          System.arraycopy(w, 0, b, pos, n);
          pos += n;
        }
      }
      Files.write(dir.resolve("f" + i + ".dat"), b);
      written += size;
    }
  }
}
