package io.drorch.starter.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drorch.local.SampleApplication;
import io.drorch.starter.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's session "Drive the local stack yourself" (the bash block after the marker
 * {@code <!-- local-session}), run as written, step by step, in one bash in a scratch directory
 * holding what a checkout has for it (dr-plan.yaml, allowed_signers, sample/); {@code ./dr} there
 * runs the built classes ({@code java -cp … DrCommand}), {@code temporal} is the real CLI. Each
 * step's exit code and the lines that say it worked are checked, and what the session leaves:
 * the backups, the uploads deleted then restored, the recovery RECOVERED with its data as it was
 * (database and uploads), the two approvals counted (alice's through {@code dr approve}, bob's
 * through {@code temporal workflow signal}), and nothing running after {@code ./dr local down}
 * (which also runs in {@code finally}). A README step this test does not know fails it: the
 * README is what must be true.
 */
class LocalSessionReadmeTest {
  static final String MARKER = "<!-- local-session";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a step must print and leave; {@code before} runs just before it. */
  private record Expect(Pattern command, Duration timeout, Check before, Check after) {}

  @FunctionalInterface
  private interface Check {
    void check(BashSession.Step step) throws Exception;
  }

  private ScratchCheckout checkout;
  private Path dir;
  private Path local;
  private BashSession bash;
  private Map<String, String> stackEnv = Map.of();
  private final Set<ProcessHandle> started = new LinkedHashSet<>();
  private final Set<Integer> ports = new java.util.TreeSet<>();
  private Map<String, DataFingerprint.Table> databaseBefore;
  private Map<String, String> uploadsBefore;
  private String databaseBackup;
  private String filesBackup;
  private Path pgHolder;

  /** The logical lines of the README block after the marker (continuations kept, comments skipped). */
  static List<String> readmeSession(Path readme, String marker) throws Exception {
    List<String> lines = Files.readAllLines(readme);
    int at = 0;
    while (at < lines.size() && !lines.get(at).startsWith(marker)) {
      at++;
    }
    assertTrue(at < lines.size(), "no line starting with " + marker + " in " + readme);
    assertEquals("```bash", lines.get(at + 1).trim(), "the marker is followed by a ```bash block");
    List<String> steps = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = at + 2; ; i++) {
      assertTrue(i < lines.size(), "the block after " + marker + " is not closed");
      String line = lines.get(i);
      if (line.trim().equals("```")) {
        break;
      }
      if (cur.isEmpty() && (line.isBlank() || line.trim().startsWith("#"))) {
        continue;
      }
      cur.append(line);
      if (line.endsWith("\\")) {
        cur.append('\n');
      } else {
        steps.add(cur.toString());
        cur.setLength(0);
      }
    }
    return steps;
  }

  /** A command as one line, its trailing comment cut: what the expectations match. */
  static String shape(String command) {
    return command.replaceAll("\\\\\n\\s*", " ").replaceAll("\\s+#[^\"']*$", "").trim()
        .replaceAll("\\s+", " ");
  }

  private List<Expect> expectations() {
    Duration minutes5 = Duration.ofMinutes(5);
    List<Expect> e = new ArrayList<>();
    e.add(new Expect(Pattern.compile("\\./dr local up"), Duration.ofMinutes(12), null, s -> {
      ok(s);
      assertTrue(s.output().matches("(?s).*\\bup in \\d+ s\n.*"), s.toString());
      assertTrue(s.output().contains("Temporal Web UI: http://"), s.toString());
      assertTrue(s.output().contains("source " + local.resolve("env")), s.toString());
      assertTrue(s.output().contains("stop it: ./dr local down"), s.toString());
      Path envFile = local.resolve("env");
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile)));
      stackEnv = exports(Files.readString(envFile));
      for (String k : List.of("TEMPORAL_ADDRESS", "TEMPORAL_CODEC_ENDPOINT", "DR_LOCAL_WEB_UI",
          "DR_PLAN", "DR_SIGNING_KEY", "DR_PAYLOAD_KEYS", "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL", "PGHOST", "PGPORT", "PGPASSWORD")) {
        assertTrue(stackEnv.containsKey(k), k + " in " + envFile + ": " + stackEnv.keySet());
      }
      ports.addAll(Leftovers.localPorts(Files.readString(envFile)));
      ports.add(Integer.parseInt(stackEnv.get("PGPORT")));
      pgHolder = checkout.pgHolder();
      ports.addAll(Leftovers.localPorts(Files.readString(local.resolve("dr-plan.yaml"))));
      for (String name : LocalDaemon.PROCESSES.keySet()) {
        ProcessHandle h = new LocalDaemon(local, System.out).alive(name).orElseThrow(
            () -> new AssertionError("no live process in " + local.resolve("run/" + name + ".pid")));
        started.add(h);
        h.descendants().forEach(started::add);
      }
      System.out.println("[session] the stack's processes: " + Leftovers.describe(started)
          + "\n  its ports: " + ports);
    }));
    e.add(new Expect(Pattern.compile("source \\.dr-local/env"), minutes5, null, s -> {
      ok(s);
      Map<String, String> shell = exports(bash.run("export -p", minutes5).output());
      stackEnv.forEach((k, v) -> assertEquals(v, shell.get(k), k + " in the shell"));
    }));
    e.add(new Expect(Pattern.compile("\\./dr backup database --wait"), minutes5, null, s -> {
      ok(s);
      databaseBackup = group(s, "backup (db-\\S+) committed: ");
    }));
    e.add(new Expect(Pattern.compile("\\./dr backup files --wait"), minutes5, null, s -> {
      ok(s);
      filesBackup = group(s, "backup (files-\\S+) committed: ");
    }));
    e.add(new Expect(Pattern.compile("\\./dr backups list"), minutes5, null, s -> {
      ok(s);
      for (String id : List.of(databaseBackup, filesBackup)) {
        assertTrue(s.output().lines().anyMatch(l -> l.startsWith(id + " ") && l.contains("VALID")),
            id + " listed VALID: " + s);
      }
    }));
    e.add(new Expect(Pattern.compile("rm -rf \\.dr-local/uploads/\\*"), minutes5, s -> {
      uploadsBefore = DataFingerprint.tree(local.resolve("uploads"));
      assertTrue(uploadsBefore.size() > 100, "the sample uploads: " + uploadsBefore.size());
      try (Connection c = database()) {
        databaseBefore = DataFingerprint.database(c);
      }
    }, s -> {
      ok(s);
      try (var left = Files.list(local.resolve("uploads"))) {
        assertEquals(0, left.count(), "the uploads are gone");
      }
    }));
    e.add(new Expect(Pattern.compile("\\./dr recover --incident INC-1 .*"), minutes5, null, s -> {
      ok(s);
      assertTrue(s.output().contains("started recovery-INC-1"), s.toString());
    }));
    e.add(new Expect(Pattern.compile("\\./dr status INC-1"), minutes5, null, s -> {
      ok(s);
      assertTrue(s.output().contains("recovery-INC-1: "), s.toString());
      assertTrue(s.output().contains("requested by carol"), s.toString());
    }));
    e.add(new Expect(Pattern.compile("temporal workflow list --query \"DrIncident='INC-1'\""),
        minutes5, null, s -> {
          ok(s);
          assertTrue(Pattern.compile("(?m)^\\s*Running\\s+recovery-INC-1\\s+RecoveryWorkflow\\s")
              .matcher(s.output()).find(), s.toString());
        }));
    e.add(new Expect(Pattern.compile("\\./dr approve INC-1 --as alice .*"), Duration.ofMinutes(8),
        null, s -> {
          ok(s);
          assertTrue(Pattern.compile("(?m)^database-swap: APPROVE by alice \\(level 1, signed with"
              + " SHA256:\\S+\\) recorded$").matcher(s.output()).find(), s.toString());
        }));
    e.add(new Expect(Pattern.compile("temporal workflow signal -w recovery-INC-1 --name decision"
        + " --input \"\\$\\(\\./dr approve INC-1 --as bob .* --print\\)\""), Duration.ofMinutes(8),
        null, LocalSessionReadmeTest::ok));
    e.add(new Expect(Pattern.compile("\\./dr status INC-1 --follow"), Duration.ofMinutes(10), null,
        s -> {
          ok(s);
          assertTrue(s.output().contains("INC-1 RECOVERED"), s.toString());
        }));
    e.add(new Expect(Pattern.compile("temporal workflow query -w recovery-INC-1 --type status -o json"),
        minutes5, null, s -> {
          ok(s);
          JsonNode status = JSON.readTree(s.output()).path("queryResult").path(0);
          assertEquals("RECOVERED", status.path("outcome").asText(), s.toString());
          JsonNode alice = decision(status, "database-swap");
          assertEquals("alice", alice.path("approver").asText(), alice.toString());
          assertEquals("APPROVE", alice.path("verdict").asText(), alice.toString());
          assertEquals("restored copy checked", alice.path("comment").asText(), alice.toString());
          JsonNode bob = decision(status, "files-swap");
          assertEquals("bob", bob.path("approver").asText(), bob.toString());
          assertEquals("APPROVE", bob.path("verdict").asText(), bob.toString());
          for (JsonNode d : List.of(alice, bob)) {
            assertTrue(d.path("signedBy").path(0).path("key").asText().startsWith("SHA256:"),
                "signed: " + d);
          }
        }));
    e.add(new Expect(Pattern.compile("ls \\.dr-local/uploads \\| wc -l"), minutes5, null, s -> {
      ok(s);
      try (var top = Files.list(local.resolve("uploads"))) {
        // what ls shows: not the hidden entries (the recovery's .dr-recovery marker is one)
        long entries = top.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        assertTrue(entries > 0, "uploads restored");
        assertEquals(String.valueOf(entries), s.output().trim(), s.toString());
      }
      assertEquals(uploadsBefore, DataFingerprint.tree(local.resolve("uploads")),
          "the uploads as they were, byte for byte");
      try (Connection c = database()) {
        assertEquals(databaseBefore, DataFingerprint.databaseLike(c, databaseBefore),
            "the database as it was: row counts and ordered md5 of every table");
      }
    }));
    e.add(new Expect(Pattern.compile("\\./dr local down"), minutes5, null, s -> {
      ok(s);
      assertTrue(s.output().contains("stopped the local stack in " + local), s.toString());
      for (String what : LocalDaemon.PROCESSES.values()) {
        assertTrue(s.output().contains(what), "names " + what + ": " + s);
      }
      assertNothingRuns();
    }));
    return e;
  }

  @Test
  void theReadmeSessionRunsAsWritten() throws Exception {
    List<String> steps = readmeSession(SampleApplication.repoRoot().resolve("README.md"), MARKER);
    checkout = ScratchCheckout.create("dr-local-session-");
    dir = checkout.dir;
    local = checkout.local();
    Throwable failure = null;
    Instant t0 = Instant.now();
    try {
      bash = new BashSession(dir, checkout.env);
      List<Expect> expected = expectations();
      for (int i = 0; i < Math.max(steps.size(), expected.size()); i++) {
        assertTrue(i < steps.size(), "the README session ends before: " + expected.get(i).command());
        String step = steps.get(i);
        assertTrue(i < expected.size(), "README step " + (i + 1) + " is not checked by this test"
            + " (add what it must print): " + step);
        Expect x = expected.get(i);
        assertTrue(x.command().matcher(shape(step)).matches(), "README step " + (i + 1) + " is `"
            + shape(step) + "`, expected one matching `" + x.command() + "`");
        if (x.before() != null) {
          x.before().check(null);
        }
        Instant s0 = Instant.now();
        BashSession.Step result = bash.run(step, x.timeout());
        System.out.printf("[session] step %d took %d s%n", i + 1,
            Duration.between(s0, Instant.now()).toSeconds());
        x.after().check(result);
      }
      System.out.printf("[session] the README session ran in %d s%n",
          Duration.between(t0, Instant.now()).toSeconds());
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      cleanUp(failure);
    }
  }

  private static void ok(BashSession.Step s) {
    assertEquals(0, s.exitCode(), s.toString());
  }

  private static String group(BashSession.Step s, String regex) {
    Matcher m = Pattern.compile(regex).matcher(s.output());
    assertTrue(m.find(), "`" + regex + "` in " + s);
    return m.group(1);
  }

  private static JsonNode decision(JsonNode status, String step) {
    for (JsonNode d : status.path("decisions")) {
      if (d.path("step").asText().equals(step)) {
        return d;
      }
    }
    throw new AssertionError("no decision on " + step + " in " + status);
  }

  /** {@code export K=V} / {@code declare -x K="V"} lines, values unquoted. */
  static Map<String, String> exports(String text) {
    Map<String, String> vars = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^(?:export|declare -x) ([A-Z_][A-Z0-9_]*)=(.*)$").matcher(text);
    while (m.find()) {
      String v = m.group(2);
      if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
        v = v.substring(1, v.length() - 1).replace("'\\''", "'");
      }
      vars.put(m.group(1), v);
    }
    return vars;
  }

  private Connection database() throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://" + stackEnv.get("PGHOST") + ":"
        + stackEnv.get("PGPORT") + "/" + LocalPlan.DATABASE, stackEnv.get("PGUSER"),
        stackEnv.get("PGPASSWORD"));
  }

  /** Nothing of the stack runs: no live pid file, no process it started, no port it had. */
  private void assertNothingRuns() throws Exception {
    for (String name : LocalDaemon.PROCESSES.keySet()) {
      assertFalse(Files.exists(local.resolve("run/" + name + ".pid")), name + ".pid removed");
    }
    try {
      Waits.await("the stack's processes and ports gone", Duration.ofSeconds(30),
          () -> leftovers().isEmpty());
    } catch (AssertionError e) {
      throw new AssertionError("left running after ./dr local down: " + leftovers(), e);
    }
  }

  private String leftovers() {
    List<ProcessHandle> procs = new ArrayList<>(started.stream().filter(ProcessHandle::isAlive).toList());
    for (Path d : new Path[] {dir, pgHolder}) {
      if (d != null) {
        Leftovers.naming(d).stream().filter(h -> !procs.contains(h)).forEach(procs::add);
      }
    }
    List<Integer> open = Leftovers.listening(ports);
    return procs.isEmpty() && open.isEmpty() ? ""
        : "processes:" + Leftovers.describe(procs) + "\nports still listening: " + open;
  }

  /** ./dr local down whatever happened, then kills what is still ours, then deletes the directory. */
  private void cleanUp(Throwable failure) throws Exception {
    if (bash != null) {
      bash.close();
    }
    String left = "";
    try {
      Path log = dir.resolve("local-down.out");
      Process p = checkout.dr("local", "down").redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
      System.out.println("[session] finally: ./dr local down\n" + Files.readString(log).indent(2));
      Waits.await("the stack's processes and ports gone", Duration.ofSeconds(30),
          () -> leftovers().isEmpty());
    } catch (Throwable t) {
      left = leftovers();
      for (ProcessHandle h : started) {
        h.destroyForcibly();
      }
      Leftovers.naming(dir).forEach(ProcessHandle::destroyForcibly);
    }
    checkout.delete();
    if (!left.isEmpty()) {
      AssertionError e = new AssertionError("left running after ./dr local down: " + left);
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        throw e;
      }
    }
  }
}
