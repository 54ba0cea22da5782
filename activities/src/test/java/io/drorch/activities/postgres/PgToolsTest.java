package io.drorch.activities.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgToolsTest {
  @TempDir Path tmp;

  @Test
  void pgDumpMissingFromPathAndPgConfigIsToolMissingAndNotRetried() {
    PgTools tools = new PgTools(null, tmp.toString());
    ApplicationFailure f = assertThrows(ApplicationFailure.class, () -> tools.pgBinary("pg_dump"));
    assertEquals("TOOL_MISSING", f.getType());
    assertTrue(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().contains(PgTools.BINDIR_ENV), f.getOriginalMessage());
  }

  @Test
  void overrideDirectoryIsTheOnlyPlaceLookedAt() throws Exception {
    Path fake = Files.createFile(tmp.resolve("pg_dump"));
    fake.toFile().setExecutable(true);
    assertEquals(fake, new PgTools(tmp, "/usr/bin").pgBinary("pg_dump"));
    ApplicationFailure f = assertThrows(ApplicationFailure.class,
        () -> new PgTools(tmp, "/usr/bin").pgBinary("pg_restore"));
    assertEquals("TOOL_MISSING", f.getType());
  }

  @Test
  void zstdMissingFromPathIsToolMissing() {
    ApplicationFailure f = assertThrows(ApplicationFailure.class,
        () -> new PgTools(null, tmp.toString()).systemBinary("zstd", "install it"));
    assertEquals("TOOL_MISSING", f.getType());
  }

  @Test
  void majorVersionOfToolOutput() {
    assertEquals(15, PgTools.majorVersion("pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"));
    assertEquals(9, PgTools.majorVersion("pg_dump (PostgreSQL) 9.6.24"));
    assertEquals(17, PgTools.majorVersion("17.2"));
    assertEquals(-1, PgTools.majorVersion("no digits"));
  }

  @Test
  void runCapturesExitCodeAndBothStreams() throws Exception {
    PgTools.Output out = PgTools.run(
        List.of("sh", "-c", "echo out; echo err >&2; echo \"$X\"; exit 3"), Map.of("X", "env"),
        Duration.ofSeconds(10));
    assertEquals(3, out.exitCode());
    assertEquals("out\nenv", out.stdout());
    assertEquals("err", out.stderr());
  }

  @Test
  void captureKeepsHeadAndTailOfLongOutput() {
    StringBuilder sb = new StringBuilder("FIRST");
    sb.append("x".repeat(100_000)).append("LAST");
    BoundedCapture c = BoundedCapture.start(
        new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)), "t");
    String s = c.text(Duration.ofSeconds(5));
    assertTrue(s.startsWith("FIRST"));
    assertTrue(s.endsWith("LAST"));
    assertTrue(s.length() < 2 * BoundedCapture.KEEP + 100, "kept " + s.length());
    assertTrue(s.contains("bytes omitted"));
  }

  @Test
  void childGetsPasswordOnlyFromCredentials() {
    Map<String, String> env = new java.util.HashMap<>(Map.of("PGPASSWORD", "inherited"));
    PgTools.applyConnectionEnv(env, java.util.Optional.empty());
    assertEquals(null, env.get("PGPASSWORD"));
    PgTools.applyConnectionEnv(env, java.util.Optional.of("pw"));
    assertEquals("pw", env.get("PGPASSWORD"));
  }
}
