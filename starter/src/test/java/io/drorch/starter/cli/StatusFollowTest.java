package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.starter.demo.LocalWorker;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code dr status INC --follow} in its own process, three times at once on one recovery: with
 * its output piped (plain lines, no escape code at all), on a real terminal (a pseudo-terminal
 * from {@code script}: the progress line rewritten in place, colours) and on a terminal with
 * {@code NO_COLOR} (in place, no colour). All three end with the outcome when it ends.
 */
class StatusFollowTest {
  private static final Pattern SGR = Pattern.compile("\u001b\\[[0-9;]*m");

  private record Follower(Process process, Path output) {
    String text() {
      try {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "";
      }
    }
  }

  private static Follower follow(TestStack stack, String incident, String name, boolean tty,
      Map<String, String> env) throws IOException {
    List<String> dr = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx192m", "-cp", System.getProperty("java.class.path"), DrCommand.class.getName(),
        "status", incident, "--follow", "--address", stack.temporal.target());
    List<String> command = tty
        ? List.of("script", "-q", "-e", "-f", "-c", String.join(" ", dr), "/dev/null")
        : dr;
    Path output = stack.dir.resolve("follow-" + name + ".out");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile());
    pb.environment().remove("NO_COLOR");
    pb.environment().putAll(Map.of("TERM", "xterm", "COLUMNS", "200"));
    pb.environment().putAll(env);
    return new Follower(pb.start(), output);
  }

  @Test
  void followsUntilTheEndPlainWhenPipedInPlaceOnATerminalColoursOnlyWithoutNoColor()
      throws Exception {
    TestStack stack = TestStack.get();
    DrPlan plan = stack.withWorkDir(stack.samplePlan("follow_db", "follow-db"), "follow",
        List.of("SELECT count(*) > 0 FROM users"));
    try (LocalWorker worker = stack.worker(plan)) {
      follows(stack, worker.taskQueue());
    }
  }

  private void follows(TestStack stack, String queue) throws Exception {
    BackupRuns.await(BackupRuns.startDatabase(stack.temporal.client(), queue, "test"));
    RecoveryWorkflow wf = RecoveryRuns.start(stack.temporal.client(), queue, "FOLLOW-1",
        List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "test");
    Waits.pending(wf, "database-swap", 1, Duration.ofMinutes(2));

    List<Follower> followers = new ArrayList<>();
    try {
      Follower piped = follow(stack, "FOLLOW-1", "piped", false, Map.of());
      Follower tty = follow(stack, "FOLLOW-1", "tty", true, Map.of());
      Follower noColor = follow(stack, "FOLLOW-1", "no-color", true, Map.of("NO_COLOR", "1"));
      followers.addAll(List.of(piped, tty, noColor));
      for (Follower f : followers) {
        Waits.await(f.output() + " shows the pending swap", Duration.ofMinutes(2),
            () -> f.text().contains("database-swap waits for"));
      }

      RecoveryRuns.decide(stack.temporal.client(), "FOLLOW-1", "alice", Verdict.APPROVE,
          "database-swap", "looks right", stack.signer("alice"));

      for (Follower f : followers) {
        assertTrue(f.process().waitFor(3, TimeUnit.MINUTES), f.output() + ": " + f.text());
        assertEquals(0, f.process().exitValue(), f.text());
      }

      String p = piped.text();
      assertFalse(p.contains("\u001b") || p.contains("\r"), "escape codes when piped:\n" + p);
      List<String> lines = p.lines().toList();
      assertTrue(lines.get(0).startsWith("following recovery-FOLLOW-1 until it ends"), p);
      assertTrue(lines.stream().anyMatch(l -> l.matches("  database-restore +DONE .*")), p);
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(
          "  ✓ database-swap: APPROVE by alice (level 1, signed with SHA256:")
          && l.endsWith("): looks right")), p);
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(
          "database-swap waits for level 1 (alice, bob)")
          && l.contains(" · elapsed ") && l.contains(" · RTO left ")), p);
      assertTrue(lines.stream().noneMatch(l -> l.indexOf("elapsed") != l.lastIndexOf("elapsed")),
          "one progress update per line:\n" + p);
      assertTrue(lines.get(lines.size() - 1).startsWith("FOLLOW-1 RECOVERED in "), p);

      String t = tty.text();
      assertTrue(t.contains("\r\u001b[Kdatabase-swap waits for level 1 (alice, bob)"), t);
      assertTrue(t.contains("\u001b[32mDONE    \u001b[0m"), t);
      assertTrue(t.contains("FOLLOW-1 RECOVERED in "), t);

      String n = noColor.text();
      assertTrue(n.contains("\r\u001b[Kdatabase-swap waits for level 1 (alice, bob)"), n);
      assertFalse(SGR.matcher(n).find(), "colours despite NO_COLOR:\n" + n);
      assertTrue(n.contains("FOLLOW-1 RECOVERED in "), n);
    } finally {
      for (Follower f : followers) {
        f.process().destroyForcibly();
      }
    }
  }
}
