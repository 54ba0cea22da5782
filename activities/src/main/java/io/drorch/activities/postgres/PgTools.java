package io.drorch.activities.postgres;

import io.drorch.workflows.common.DrError;
import io.drorch.workflows.contracts.plan.DatabaseTarget;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL client tools of the worker machine ({@code pg_dump}, {@code pg_restore}, {@code
 * psql}): where they are, how to run them and which version they are.
 *
 * <p>Lookup order for a PostgreSQL tool: the directory named by the system property {@value
 * #BINDIR_PROPERTY} or the environment variable {@value #BINDIR_ENV} (when set, only there), else
 * the {@code PATH}, else {@code pg_config --bindir}. Other tools ({@code zstd}) come from the {@code
 * PATH}.
 */
public final class PgTools {
  public static final String BINDIR_PROPERTY = "dr.pg.bindir";
  public static final String BINDIR_ENV = "DR_PG_BINDIR";
  private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?");

  private final Path overrideDir;
  private final String path;

  PgTools(Path overrideDir, String path) {
    this.overrideDir = overrideDir;
    this.path = path == null ? "" : path;
  }

  /** Tools as configured for this process ({@value #BINDIR_PROPERTY}, {@value #BINDIR_ENV}, PATH). */
  public static PgTools fromEnvironment() {
    String dir = System.getProperty(BINDIR_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(BINDIR_ENV);
    }
    return new PgTools(dir == null || dir.isBlank() ? null : Path.of(dir), System.getenv("PATH"));
  }

  /**
   * A PostgreSQL client tool, e.g. {@code pg_dump}.
   *
   * @throws io.temporal.failure.ApplicationFailure {@link DrError#TOOL_MISSING} when not found
   */
  public Path pgBinary(String name) {
    if (overrideDir != null) {
      Path p = overrideDir.resolve(name);
      if (Files.isExecutable(p)) {
        return p;
      }
      throw DrError.TOOL_MISSING.failure(
          name + " not found in " + overrideDir + " (set by " + BINDIR_PROPERTY + " / " + BINDIR_ENV
              + "). Point it at the bin directory of the PostgreSQL client matching the server"
              + " (e.g. /usr/lib/postgresql/16/bin) or unset it to use the PATH.");
    }
    Optional<Path> found = onPath(name);
    if (found.isPresent()) {
      return found.get();
    }
    Optional<Path> bindir = pgConfigBindir();
    if (bindir.isPresent() && Files.isExecutable(bindir.get().resolve(name))) {
      return bindir.get().resolve(name);
    }
    throw DrError.TOOL_MISSING.failure(
        name + " not found on the worker: looked in PATH and in `pg_config --bindir`"
            + bindir.map(d -> " (" + d + ")").orElse(" (no pg_config)") + ". Install the"
            + " PostgreSQL client (Debian/Ubuntu: postgresql-client) on the worker, or set "
            + BINDIR_ENV + " (or -D" + BINDIR_PROPERTY + ") to its bin directory.");
  }

  /**
   * A tool from the PATH, e.g. {@code zstd}.
   *
   * @param hint how to get it, appended to the failure message
   */
  public Path systemBinary(String name, String hint) {
    return onPath(name)
        .orElseThrow(
            () -> DrError.TOOL_MISSING.failure(
                name + " not found on the worker's PATH. " + hint));
  }

  Optional<Path> onPath(String name) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private Optional<Path> pgConfigBindir() {
    Optional<Path> pgConfig = onPath("pg_config");
    if (pgConfig.isEmpty()) {
      return Optional.empty();
    }
    try {
      Output out = run(List.of(pgConfig.get().toString(), "--bindir"), Map.of(),
          Duration.ofSeconds(10));
      return out.exitCode() == 0 && !out.stdout().isBlank()
          ? Optional.of(Path.of(out.stdout().strip()))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The first line of {@code tool --version}, e.g. {@code pg_dump (PostgreSQL) 15.14}. */
  public static String version(Path tool) {
    try {
      Output out = run(List.of(tool.toString(), "--version"), Map.of(), Duration.ofSeconds(10));
      if (out.exitCode() != 0) {
        throw DrError.TOOL_MISSING.failure(
            tool + " --version failed with exit code " + out.exitCode() + ": " + out.stderr());
      }
      return out.stdout().strip().lines().findFirst().orElse("");
    } catch (IOException e) {
      throw DrError.TOOL_MISSING.failure("cannot run " + tool + ": " + e.getMessage(), e);
    }
  }

  /** Major version of a version text: 15 for "pg_dump (PostgreSQL) 15.14", 9 for "9.6.24"; -1 if none. */
  public static int majorVersion(String versionText) {
    if (versionText == null) {
      return -1;
    }
    int paren = versionText.indexOf(')');
    Matcher m = VERSION.matcher(paren >= 0 ? versionText.substring(paren + 1) : versionText);
    if (!m.find()) {
      return -1;
    }
    int major = Integer.parseInt(m.group(1));
    // before PostgreSQL 10 the major version had two parts: 9.6 -> 9 here is good enough
    return major;
  }

  /**
   * The libpq environment for a child connecting to {@code db}: {@code PGPASSWORD} when there is a
   * password (else the child reads {@code .pgpass} itself), a connect timeout, and no inherited
   * {@code PGPASSWORD} that would contradict the worker's credentials.
   */
  public static void applyConnectionEnv(Map<String, String> env, Optional<String> password) {
    env.remove("PGPASSWORD");
    password.ifPresent(p -> env.put("PGPASSWORD", p));
    env.putIfAbsent("PGCONNECT_TIMEOUT", "10");
  }

  /** {@code -h host -p port [-U user]}: connection arguments of every libpq tool. */
  public static List<String> connectionArgs(DatabaseTarget db) {
    List<String> args = new ArrayList<>(List.of("-h", db.host(), "-p", String.valueOf(db.port())));
    if (db.user() != null && !db.user().isBlank()) {
      args.add("-U");
      args.add(db.user());
    }
    return args;
  }

  /**
   * Runs a short command to its end: stdin closed, stdout and stderr captured (bounded).
   *
   * @param env variables to set in the child (added to the worker's environment)
   * @throws IOException when it cannot start or does not finish within {@code timeout} (it is then
   *     destroyed)
   */
  public static Output run(List<String> command, Map<String, String> env, Duration timeout)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    BoundedCapture out = BoundedCapture.start(p.getInputStream(), "capture-out-" + p.pid());
    BoundedCapture err = BoundedCapture.start(p.getErrorStream(), "capture-err-" + p.pid());
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        destroy(p);
        throw new IOException(command.get(0) + " did not finish within " + timeout);
      }
    } catch (InterruptedException e) {
      destroy(p);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
    return new Output(p.exitValue(), out.text(Duration.ofSeconds(5)),
        err.text(Duration.ofSeconds(5)));
  }

  /** Kills a child and any children of it, without waiting. */
  public static void destroy(Process p) {
    if (p == null) {
      return;
    }
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** A finished command: exit code, and the (bounded) stdout and stderr texts. */
  public record Output(int exitCode, String stdout, String stderr) {}
}
