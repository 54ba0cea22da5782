package io.drorch.starter.demo;

import io.drorch.activities.plan.PlanLoader;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code dr local up|down|status}: the {@link LocalStack} in a background process of its own
 * ({@code dr local serve}), so a shell can use it with {@code source DIR/env}.
 *
 * <p>Pid files ({@code DIR/run/*.pid}) hold the process id and its start time: a process is
 * taken for ours only when both match, so a pid reused by another program after a crash is never
 * stopped. One for the stack's process (worker, codec server, sample application) and one for
 * each server it starts (Temporal, S3, PostgreSQL): {@code down} stops the stack, which stops its
 * servers, then any server a killed stack left behind.
 */
public final class LocalDaemon {
  static final String STACK = "stack";
  /** Pid file name → what the process is, in the order {@code down} reports them. */
  static final Map<String, String> PROCESSES = new LinkedHashMap<>();

  static {
    PROCESSES.put(STACK, "the stack's process: worker, codec server, sample application");
    PROCESSES.put("temporal", "Temporal dev server and Web UI");
    PROCESSES.put("s3", "S3 server");
    PROCESSES.put("postgres", "PostgreSQL");
  }

  private static final Duration START_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final PrintStream out;

  public LocalDaemon(Path dir, PrintStream out) {
    this.dir = dir.toAbsolutePath().normalize();
    this.out = out;
  }

  Path run() {
    return dir.resolve("run");
  }

  Path ready() {
    return run().resolve("ready");
  }

  Path stackLog() {
    return dir.resolve("logs/stack.log");
  }

  // --- up ----------------------------------------------------------------------------------------

  /** Starts the stack in the background unless it runs; true when it runs at the end. */
  public boolean up(Path examplePlan) throws Exception {
    Optional<ProcessHandle> running = alive(STACK);
    if (running.isPresent()) {
      out.println("the local stack already runs in " + dir + " (pid " + running.get().pid() + "),"
          + " nothing started");
      printReady();
      return true;
    }
    PlanLoader.load(examplePlan); // a bad plan fails here, with the loader's list
    Instant t0 = Instant.now();
    clearRunFiles();
    Files.createDirectories(stackLog().getParent());
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid"); // its own session: a Ctrl-C in this terminal never reaches it
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(io.drorch.starter.cli.DrCommand.class.getName());
    cmd.addAll(List.of("local", "serve", "--dir", dir.toString(),
        "--plan", examplePlan.toAbsolutePath().toString()));
    out.println("starting the local stack in " + dir + " (its log: " + stackLog() + ")");
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(stackLog().toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    Instant deadline = t0.plus(START_TIMEOUT);
    while (!Files.exists(ready())) {
      if (!p.isAlive() && alive(STACK).isEmpty()) {
        out.println("the local stack did not start (exit " + p.exitValue() + "); the end of "
            + stackLog() + ":");
        tail(stackLog(), 25).forEach(l -> out.println("  " + l));
        return false;
      }
      if (Instant.now().isAfter(deadline)) {
        out.println("the local stack did not start within " + START_TIMEOUT.toMinutes()
            + " minutes; see " + stackLog() + "; stopping it");
        down();
        return false;
      }
      Thread.sleep(250);
    }
    out.printf("up in %d s%n", Duration.between(t0, Instant.now()).toSeconds());
    printReady();
    return true;
  }

  private void printReady() throws IOException {
    if (Files.exists(ready())) {
      Files.readAllLines(ready()).forEach(out::println);
    }
  }

  /**
   * The background process: starts the stack, writes the pid files, the plan and the env file,
   * then {@code DIR/run/ready}, and runs until it is told to stop (SIGTERM: {@code dr local down}).
   */
  public void serve(Path examplePlan) throws Exception {
    Files.createDirectories(run());
    writePid(STACK, ProcessHandle.current());
    LocalStack stack = LocalStack.start(dir, PlanLoader.load(examplePlan), 1, false, false,
        System.out, step -> System.out.println("== " + step));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("== stopping the local stack");
      stack.close();
      clearRunFiles();
    }, "local-stack-stop"));
    stack.temporal().processHandle().ifPresent(h -> writePid("temporal", h));
    stack.s3().processHandle().ifPresent(h -> writePid("s3", h));
    stack.pg().processHandle().ifPresent(h -> writePid("postgres", h));
    Path env = stack.writeEnv();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("  PostgreSQL %s:%d (database %s), S3 %s (bucket %s), Temporal %s%n",
        stack.pg().host(), stack.pg().port(), LocalPlan.DATABASE, stack.s3().endpoint(),
        LocalPlan.BUCKET, stack.temporal().target()));
    stack.temporal().uiUrl().ifPresent(u -> sb.append("  Temporal Web UI: ").append(u).append('\n'));
    sb.append("  the worker (task queue ").append(stack.worker().taskQueue()).append(") reads ")
        .append(stack.worker().planFile()).append("; its log: ").append(dir.resolve("logs/worker.log"))
        .append('\n');
    sb.append("  ").append(env).append(": TEMPORAL_ADDRESS, DR_PLAN, AWS_*, PGPASSWORD,"
        + " DR_PAYLOAD_KEYS, DR_SIGNING_KEY (").append(LocalPlan.approvers(stack.plan()).get(0))
        .append("'s key)\n");
    sb.append("use it from a shell:\n");
    for (String c : stack.howToUse()) {
      sb.append("  ").append(c).append('\n');
    }
    sb.append("stop it: ./dr local down\n");
    Path tmp = run().resolve("ready.tmp");
    Files.writeString(tmp, sb.toString());
    Files.move(tmp, ready(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println("== ready");
    Thread.currentThread().join();
  }

  // --- down --------------------------------------------------------------------------------------

  /** Stops whatever of the stack runs, saying what; true when something was stopped. */
  public boolean down() throws Exception {
    Instant t0 = Instant.now();
    Map<String, ProcessHandle> found = new LinkedHashMap<>();
    for (String name : PROCESSES.keySet()) {
      alive(name).ifPresent(h -> found.put(name, h));
    }
    if (found.isEmpty()) {
      boolean stale = Files.isDirectory(run()) && hasPidFiles();
      clearRunFiles();
      out.println("nothing to stop: no local stack runs in " + dir
          + (stale ? " (removed pid files of processes that are gone)" : ""));
      return false;
    }
    List<String> stopped = new ArrayList<>();
    ProcessHandle stack = found.remove(STACK);
    if (stack != null) {
      stop(stack);
      stopped.add(PROCESSES.get(STACK) + " (pid " + stack.pid() + ")");
      // its servers stop with it; whatever still runs below was left behind
      for (String name : List.copyOf(found.keySet())) {
        if (!found.get(name).isAlive()) {
          stopped.add(PROCESSES.get(name) + " (pid " + found.remove(name).pid() + ")");
        }
      }
    }
    for (Map.Entry<String, ProcessHandle> e : found.entrySet()) {
      stop(e.getValue());
      stopped.add(PROCESSES.get(e.getKey()) + " (pid " + e.getValue().pid() + ")"
          + (stack == null ? ", left behind by a stack that was killed" : ""));
    }
    clearRunFiles();
    Files.deleteIfExists(dir.resolve(LocalStack.ENV_FILE)); // its ports are gone
    out.printf("stopped the local stack in %s (%d s):%n", dir,
        Duration.between(t0, Instant.now()).toSeconds());
    stopped.forEach(s -> out.println("  " + s));
    out.println("its data stays in " + dir + " (postgres/, s3/, temporal/); ./dr local up starts"
        + " it again");
    return true;
  }

  private static void stop(ProcessHandle h) throws Exception {
    h.destroy();
    try {
      h.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      h.destroyForcibly();
      h.onExit().get(30, TimeUnit.SECONDS);
    }
  }

  // --- status ------------------------------------------------------------------------------------

  /** Prints what runs; true when the stack does. */
  public boolean status() throws IOException {
    Optional<ProcessHandle> stack = alive(STACK);
    if (stack.isEmpty()) {
      out.println("the local stack is not running in " + dir + "; start it: ./dr local up");
      for (String name : PROCESSES.keySet()) {
        alive(name).ifPresent(h -> out.println("  still running, left behind: " + PROCESSES.get(name)
            + " (pid " + h.pid() + "): ./dr local down stops it"));
      }
      return false;
    }
    String since = stack.get().info().startInstant().map(Instant::toString).orElse("?");
    out.println("the local stack runs in " + dir + " since " + since + (Files.exists(ready())
        ? "" : " (still starting: see " + stackLog() + ")"));
    for (String name : PROCESSES.keySet()) {
      Optional<ProcessHandle> h = alive(name);
      out.println("  " + (h.isPresent() ? "running " : "stopped ") + PROCESSES.get(name)
          + h.map(p -> " (pid " + p.pid() + ")").orElse(""));
    }
    printReady();
    return true;
  }

  // --- pid files ---------------------------------------------------------------------------------

  private void writePid(String name, ProcessHandle h) {
    long start = h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    try {
      Files.createDirectories(run());
      Files.writeString(run().resolve(name + ".pid"), h.pid() + " " + start + "\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The process a pid file names, when it still runs and started when the file says: a pid
   * reused by another program is not ours.
   */
  Optional<ProcessHandle> alive(String name) {
    Path file = run().resolve(name + ".pid");
    try {
      String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split("\\s+");
      long pid = Long.parseLong(parts[0]);
      long start = Long.parseLong(parts[1]);
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> h.info()
          .startInstant().map(i -> i.toEpochMilli() == start).orElse(false));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private boolean hasPidFiles() {
    return PROCESSES.keySet().stream().anyMatch(n -> Files.exists(run().resolve(n + ".pid")));
  }

  private void clearRunFiles() {
    try {
      for (String n : PROCESSES.keySet()) {
        Files.deleteIfExists(run().resolve(n + ".pid"));
      }
      Files.deleteIfExists(ready());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return all.subList(Math.max(0, all.size() - lines), all.size());
    } catch (IOException e) {
      return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
    }
  }
}
