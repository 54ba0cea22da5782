package io.drorch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rows of the fault table (issue 8, item 8): one row per fault — trials, completed with
 * verified data, aborted safely, data lost, longest stall. Fault loops of different modules
 * (the retention sweep's in {@code activities}, the end-to-end suite in {@code starter}) write
 * their rows under {@code <repository>/target/faults/}; the end-to-end suite prints them all as
 * one table.
 */
public final class FaultRows {
  private FaultRows() {}

  /** One fault's figures; {@code longestStall} is text ("23.4 s", "—"), {@code note} free text. */
  public record Row(String fault, int trials, int completed, int abortedSafely, int lost,
      String longestStall, String note) {

    String line() {
      return String.join("\t", clean(fault), Integer.toString(trials), Integer.toString(completed),
          Integer.toString(abortedSafely), Integer.toString(lost), clean(longestStall),
          clean(note));
    }

    static Row parse(String line) {
      String[] f = line.split("\t", -1);
      return new Row(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
          Integer.parseInt(f[4]), f[5], f.length > 6 ? f[6] : "");
    }

    private static String clean(String s) {
      return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ');
    }
  }

  /** {@code <repository>/target/faults}. */
  public static Path dir() {
    return SampleApplication.repoRoot().resolve("target").resolve("faults");
  }

  /** Writes {@code row} as {@code <dir>/<id>.row} (first line the row, second when written). */
  public static void write(String id, Row row) {
    try {
      Files.createDirectories(dir());
      Files.writeString(dir().resolve(id + ".row"), row.line() + "\n" + Instant.now() + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A row written by {@link #write} and when it was written, if any. */
  public record Written(Row row, Instant at) {}

  public static Optional<Written> read(String id) {
    Path f = dir().resolve(id + ".row");
    try {
      if (!Files.isRegularFile(f)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      return Optional.of(new Written(Row.parse(lines.get(0)),
          lines.size() > 1 ? Instant.parse(lines.get(1).trim()) : Instant.EPOCH));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The Markdown table of {@code rows}. */
  public static String table(List<Row> rows) {
    StringBuilder b = new StringBuilder(
        "| fault | trials | completed with verified data | aborted safely | data lost |"
            + " longest stall |\n|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append(String.format("| %s | %d | %d | %d | %d | %s |%n", r.fault(), r.trials(),
          r.completed(), r.abortedSafely(), r.lost(), r.longestStall()));
    }
    return b.toString();
  }
}
