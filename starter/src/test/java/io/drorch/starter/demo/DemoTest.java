package io.drorch.starter.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.starter.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./dr demo}, the README's first command, run as a user runs it: in a scratch checkout
 * (its {@code ./dr} runs the built classes), output piped. It must end with exit 0 and its
 * verification lines (database and uploads identical to before the disaster, the pending
 * migration applied, the recovery's steps done, the report's achieved RTO and RPO against the
 * plan's objectives, the drill's time), write the report, and leave nothing running: no process
 * naming its directory, none of the ports it printed or wrote in its plan listening.
 */
class DemoTest {
  private static final Pattern SUMMARY = Pattern.compile("(?m)^  (DRILL-\\d{14}) RECOVERED in"
      + " (\\d[\\dhms ]*) \\(RTO 4h\\); RPO database (\\d[\\dhms ]*) \\(1h\\), files (\\d[\\dhms ]*)"
      + " \\(1d\\)$");
  private static final Pattern DONE = Pattern.compile("(?m)^drill done in (\\d+) s: RECOVERED, data verified$");

  @Test
  void theDemoRecoversVerifiesItsDataAndLeavesNothingRunning() throws Exception {
    ScratchCheckout checkout = ScratchCheckout.create("dr-demo-");
    Path out = checkout.dir.resolve("demo.out");
    Process demo = null;
    Set<Integer> ports = new TreeSet<>();
    Instant t0 = Instant.now();
    try {
      demo = checkout.dr("demo").redirectErrorStream(true).redirectOutput(out.toFile()).start();
      boolean ended = demo.waitFor(20, TimeUnit.MINUTES);
      String text = Files.readString(out);
      System.out.println("[demo] " + (ended ? "exit " + demo.exitValue() : "still running") + " after "
          + Duration.between(t0, Instant.now()).toSeconds() + " s:\n" + text);
      assertTrue(ended, "./dr demo still runs after 20 minutes:\n" + text);
      assertEquals(0, demo.exitValue(), text);

      line(text, "^  database: \\d+ tables, row counts and ordered md5 IDENTICAL$");
      line(text, "^  pending migration V3 \\(message_feedback\\) applied$");
      line(text, "^  uploads: \\d+ entries IDENTICAL byte for byte$");
      for (String step : List.of("select-backups", "database-restore", "database-swap",
          "files-restore", "files-swap", "recover-application")) {
        line(text, "^  " + step + " +DONE ");
      }
      line(text, "^  recover-application +DONE +application RECOVERED");
      for (String step : List.of("database-swap", "files-swap")) {
        line(text, "^  ✓ " + step + ": APPROVE by \\w+ \\(level 1, signed with SHA256:\\S+\\):"
            + " given by the local drill$");
      }
      Matcher summary = SUMMARY.matcher(text);
      assertTrue(summary.find(), "the report's summary line (" + SUMMARY + ") in:\n" + text);
      Matcher done = DONE.matcher(text);
      assertTrue(done.find(), "the drill's last line (" + DONE + ") in:\n" + text);
      Path report = checkout.local().resolve("reports/" + summary.group(1) + ".md");
      assertTrue(Files.readString(report).contains(summary.group(1)), "the report " + report);

      ports.addAll(Leftovers.localPorts(text));
      ports.addAll(Leftovers.localPorts(Files.readString(checkout.local().resolve("dr-plan.yaml"))));
      assertTrue(ports.size() >= 5, "PostgreSQL, S3, Temporal, its Web UI, the codec server and the"
          + " application printed or in the plan: " + ports);
      Path holder = checkout.pgHolder();
      try {
        Waits.await("nothing of the demo running", Duration.ofSeconds(30),
            () -> leftovers(checkout.dir, holder, ports).isEmpty());
      } catch (AssertionError e) {
        throw new AssertionError("left running after ./dr demo ended: "
            + leftovers(checkout.dir, holder, ports), e);
      }
    } finally {
      if (demo != null && demo.isAlive()) {
        demo.descendants().forEach(ProcessHandle::destroyForcibly);
        demo.destroyForcibly();
        demo.waitFor(30, TimeUnit.SECONDS);
      }
      Leftovers.naming(checkout.dir).forEach(ProcessHandle::destroyForcibly);
      checkout.delete();
    }
  }

  private static void line(String text, String regex) {
    assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(text).find(),
        "a line matching `" + regex + "` in:\n" + text);
  }

  private static String leftovers(Path dir, Path pgHolder, Set<Integer> ports) {
    List<ProcessHandle> procs = new ArrayList<>(Leftovers.naming(dir));
    if (pgHolder != null) {
      procs.addAll(Leftovers.naming(pgHolder));
    }
    List<Integer> open = Leftovers.listening(ports);
    return procs.isEmpty() && open.isEmpty() ? ""
        : "processes:" + Leftovers.describe(procs) + "\nports still listening: " + open;
  }
}
