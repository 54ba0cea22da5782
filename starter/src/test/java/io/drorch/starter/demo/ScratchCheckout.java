package io.drorch.starter.demo;

import io.drorch.local.SampleApplication;
import io.drorch.starter.TestStack;
import io.drorch.starter.TlsTerminator;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scratch directory with what a checkout gives {@code ./dr demo} and {@code ./dr local up}:
 * dr-plan.yaml (and its schema), allowed_signers, sample/ (the migrations, linked), and a
 * {@code ./dr} that runs the built classes ({@code java -cp … DrCommand}, with dr.jar's
 * logback.xml); and an operator's environment for it: this JVM's without its Temporal, dr, AWS
 * and PostgreSQL settings, the temporal CLI on the PATH and in DR_TEMPORAL_CLI (as ./dr sets it).
 */
final class ScratchCheckout {
  final Path dir;
  final Map<String, String> env;

  private ScratchCheckout(Path dir, Map<String, String> env) {
    this.dir = dir;
    this.env = env;
  }

  static ScratchCheckout create(String prefix) throws Exception {
    Path root = SampleApplication.repoRoot();
    Path cli = TlsTerminator.find("temporal", "DR_TEMPORAL_CLI",
        Path.of(System.getProperty("user.home"), "go", "bin", "temporal").toString());
    Path dir = Files.createTempDirectory(prefix).toAbsolutePath();
    for (String f : new String[] {"dr-plan.yaml", "dr-plan.schema.json", "allowed_signers"}) {
      Files.copy(root.resolve(f), dir.resolve(f));
    }
    Files.createSymbolicLink(dir.resolve("sample"), root.resolve("sample"));

    Path bin = Files.createDirectories(dir.resolve(".bin"));
    Files.createSymbolicLink(bin.resolve("temporal"), cli);
    String classpath = String.join(File.pathSeparator,
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(p -> !p.endsWith("test-classes")).toList());
    Path dr = dir.resolve("dr");
    Files.writeString(dr, "#!/usr/bin/env bash\n# ./dr of this checkout: the built classes\nexec '"
        + Path.of(System.getProperty("java.home"), "bin", "java") + "' -XX:TieredStopAtLevel=1 -cp '"
        + classpath + "' io.drorch.starter.cli.DrCommand \"$@\"\n");
    Files.setPosixFilePermissions(dr, PosixFilePermissions.fromString("rwxr-xr-x"));

    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("TEMPORAL_") || k.startsWith("DR_")
        || k.startsWith("AWS_") || k.startsWith("PG"));
    env.put("DR_TEMPORAL_CLI", cli.toString());
    env.put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
    return new ScratchCheckout(dir, env);
  }

  /** The stack's directory, {@code .dr-local}, as the README uses it. */
  Path local() {
    return dir.resolve(".dr-local");
  }

  /** The /tmp/drorch-pgdata-* directory holding the stack's cluster when it needed one, else null. */
  Path pgHolder() {
    return TestStack.pgHolder(local().resolve("postgres/pgdata"));
  }

  /** {@code ./dr ARGS} in the checkout, with its environment; its output to this JVM's. */
  ProcessBuilder dr(String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = dir.resolve("dr").toString();
    System.arraycopy(args, 0, cmd, 1, args.length);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb;
  }

  /** Deletes the directory (and the cluster's holder), unless DR_KEEP_TEST_DIR is set. */
  void delete() {
    if (System.getenv("DR_KEEP_TEST_DIR") == null) {
      TestStack.deleteTree(pgHolder());
      TestStack.deleteTree(dir);
    }
  }
}
