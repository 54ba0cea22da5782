package io.drorch.starter.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.SampleApplication;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/ensure-tools.sh} installs what is about to run: on a machine that has nothing
 * (a PATH with only the few commands the script itself uses), a dry run of each profile says what
 * it would install. The demo never gets the browser, Node.js, Mailpit, moto, nginx or pigz.
 */
class EnsureToolsTest {
  private static final List<String> TEST_ONLY =
      List.of("chromium", "nodejs npm", "npm ci", "mailpit", "moto[server]", "install nginx",
          "install openssl", "install curl", "install pgbackrest");

  @TempDir Path tmp;

  private String dryRun(String profile) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    String bash = Path.of("/bin/bash").toRealPath().toString();
    for (String tool : List.of("id", "dirname", "cat", "tail", "rm")) {
      Path wrapper = bin.resolve(tool);
      Files.writeString(wrapper, "#!" + bash + "\nexec " + Path.of("/bin", tool).toRealPath()
          + " \"$@\"\n");
      wrapper.toFile().setExecutable(true);
    }
    Path script = SampleApplication.repoRoot().resolve("scripts/ensure-tools.sh");
    ProcessBuilder pb = new ProcessBuilder(bash, script.toString(), profile)
        .redirectErrorStream(true);
    pb.environment().clear();
    // a fresh machine: nothing under HOME, no nginx, ui-test/ without node_modules (./run-tests
    // installs them into the repository's ui-test/)
    Path uiTest = Files.createDirectories(tmp.resolve("ui-test"));
    Files.copy(SampleApplication.repoRoot().resolve("ui-test/package-lock.json"),
        uiTest.resolve("package-lock.json"));
    pb.environment().putAll(java.util.Map.of("PATH", bin.toString(), "HOME", tmp.toString(),
        "DR_TOOLS_DRY_RUN", "1", "DR_NGINX", tmp.resolve("no-nginx").toString(),
        "DR_UI_TEST_DIR", uiTest.toString()));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void theDemoGetsThePostgresBinariesZstdAndTheTemporalCliButNoBrowserNodeMailpitOrMoto()
      throws Exception {
    String out = dryRun("demo");
    assertFalse(out.contains("pigz"), out);
    for (String needed : List.of("openjdk-17-jdk-headless", "maven", "postgresql-15",
        "postgresql-client-15", "zstd", "github.com/temporalio/cli/cmd/temporal@v1.5.1")) {
      assertTrue(out.contains(needed), needed + " missing in:\n" + out);
    }
    for (String testOnly : TEST_ONLY) {
      assertFalse(out.contains(testOnly), "the demo would install " + testOnly + ":\n" + out);
    }
  }

  @Test
  void theBenchGetsWhatTheDemoGetsAndPigz() throws Exception {
    String out = dryRun("bench");
    for (String needed : List.of("postgresql-15", "zstd", "temporal@v1.5.1", "install pigz")) {
      assertTrue(out.contains(needed), needed + " missing in:\n" + out);
    }
    for (String testOnly : TEST_ONLY) {
      assertFalse(out.contains(testOnly), "the bench would install " + testOnly + ":\n" + out);
    }
  }

  @Test
  void theTestsGetEverythingTheDemoGetsAndTheirOwnTools() throws Exception {
    String out = dryRun("tests");
    for (String needed : List.of("postgresql-15", "zstd", "temporal@v1.5.1", "install pigz")) {
      assertTrue(out.contains(needed), needed + " missing in:\n" + out);
    }
    for (String testOnly : TEST_ONLY) {
      assertTrue(out.contains(testOnly), testOnly + " missing in:\n" + out);
    }
  }

  @Test
  void buildingGetsOnlyAJdkAndMaven() throws Exception {
    String out = dryRun("build");
    assertTrue(out.contains("openjdk-17-jdk-headless") && out.contains("maven"), out);
    assertFalse(out.contains("postgresql") || out.contains("temporal"), out);
  }
}
