package io.drorch.starter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's results: one row per case (bare tool against ours, side by side in one run),
 * the per-step timings of our side, and how the machine was. Rendered as Markdown (the README's
 * benchmark section is this text, verbatim) and as JSON.
 */
final class BenchReport {
  /**
   * One case. {@code bare} is the bare tools' wall time (for a recovery: download + pg_restore,
   * both in {@code bareParts}); {@code goal} the ratio ours/bare to stay at or under (null: none).
   */
  record Row(String kase, String bareTool, double bare, List<Double> bareParts, double ours,
      double bareCpu, double oursCpu, long sizeBytes, long peakHeapBytes, Double goal,
      Double overheadGoalSeconds) {
    double ratio() {
      return ours / bare;
    }

    double overhead() {
      return ours - bare;
    }

    /** Null when there is no goal. */
    Boolean met() {
      if (goal == null) {
        return null;
      }
      return ratio() <= goal && (overheadGoalSeconds == null || overhead() < overheadGoalSeconds);
    }
  }

  final Map<String, Object> machine = new LinkedHashMap<>();
  final List<Row> rows = new ArrayList<>();
  /** Per recovery (or backup): step → seconds, in order. */
  final Map<String, Map<String, Double>> steps = new LinkedHashMap<>();
  String command;

  String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("Command: `").append(command).append("`  \n");
    b.append("Machine: ").append(machine.get("cpus")).append(" cores, load average ")
        .append(machine.get("loadBefore")).append(" before, ").append(machine.get("loadAfter"))
        .append(" after; ").append(machine.get("date")).append("\n\n");
    b.append("| case | bare | ours | ratio | goal | CPU s bare / ours | size | peak heap |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      String bare = r.bareParts().size() > 1
          ? String.join(" + ", r.bareParts().stream().map(BenchReport::s).toList()) + " s"
          : s(r.bare()) + " s";
      String ratio = String.format(Locale.ROOT, "%.2f×", r.ratio());
      if (r.overheadGoalSeconds() != null) {
        ratio += String.format(Locale.ROOT, ", overhead %.1f s", r.overhead());
      }
      String goal = r.goal() == null ? "—"
          : String.format(Locale.ROOT, "≤ %.2f×", r.goal())
              + (r.overheadGoalSeconds() == null ? ""
                  : String.format(Locale.ROOT, ", overhead < %.0f s", r.overheadGoalSeconds()))
              + (Boolean.TRUE.equals(r.met()) ? ": met" : ": NOT met");
      // a | inside a cell ends it, even inside backticks (GitHub Markdown): escaped
      b.append("| ").append(r.kase()).append(" vs ").append(r.bareTool().replace("|", "\\|"))
          .append(" | ")
          .append(bare).append(" | ").append(s(r.ours())).append(" s | ").append(ratio)
          .append(" | ").append(goal).append(" | ").append(s(r.bareCpu())).append(" / ")
          .append(s(r.oursCpu())).append(" | ").append(io.drorch.starter.backup.BackupTable
              .human(r.sizeBytes())).append(" | ")
          .append(r.peakHeapBytes() < 0 ? "" : io.drorch.starter.backup.BackupTable
              .human(r.peakHeapBytes())).append(" |\n");
    }
    b.append("\nratio = our wall time / the bare tools' wall time on the same data in this run;"
        + " CPU s = CPU seconds of every process involved (JVM with worker and client, tools,"
        + " S3 and Temporal servers, PostgreSQL), less sensitive than wall time to other work on"
        + " the machine.\n");
    if (!steps.isEmpty()) {
      List<String> cols = new ArrayList<>(steps.keySet());
      List<String> names = new ArrayList<>();
      for (Map<String, Double> m : steps.values()) {
        for (String k : m.keySet()) {
          if (!names.contains(k)) {
            names.add(k);
          }
        }
      }
      b.append("\nOur side, step by step (seconds):\n\n| step | ")
          .append(String.join(" | ", cols)).append(" |\n|---|");
      b.append("---|".repeat(cols.size())).append("\n");
      for (String n : names) {
        b.append("| ").append(n).append(" |");
        for (String c : cols) {
          Double v = steps.get(c).get(n);
          b.append(' ').append(v == null ? "" : s(v)).append(" |");
        }
        b.append("\n");
      }
    }
    return b.toString();
  }

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("bench.md"), markdown());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", command);
    json.put("machine", machine);
    List<Map<String, Object>> rs = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("case", r.kase());
      m.put("bareTool", r.bareTool());
      m.put("bareSeconds", round(r.bare()));
      m.put("bareParts", r.bareParts().stream().map(BenchReport::round).toList());
      m.put("oursSeconds", round(r.ours()));
      m.put("ratio", round(r.ratio()));
      m.put("overheadSeconds", round(r.overhead()));
      m.put("bareCpuSeconds", round(r.bareCpu()));
      m.put("oursCpuSeconds", round(r.oursCpu()));
      m.put("sizeBytes", r.sizeBytes());
      m.put("peakHeapBytes", r.peakHeapBytes() < 0 ? null : r.peakHeapBytes());
      m.put("goalRatio", r.goal());
      m.put("goalOverheadSeconds", r.overheadGoalSeconds());
      m.put("met", r.met());
      rs.add(m);
    }
    json.put("rows", rs);
    json.put("steps", steps);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("bench.json").toFile(), json);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  static String s(double seconds) {
    return String.format(Locale.ROOT, "%.1f", seconds);
  }
}
