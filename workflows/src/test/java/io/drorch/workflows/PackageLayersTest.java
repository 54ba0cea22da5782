package io.drorch.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The workflows module's packages form layers, and imports only run downwards: the wire contract
 * at the bottom, then shared helpers, then the activity interfaces, the approval gate, backups and
 * recoveries on top. A new package must be given its layer here.
 */
class PackageLayersTest {
  private static final Path SOURCES = Path.of("src/main/java/io/drorch/workflows");
  private static final String ROOT = "io.drorch.workflows.";

  /** Layer of each top-level package; a package may import from strictly lower layers only. */
  private static final Map<String, Integer> LAYERS = Map.ofEntries(
      Map.entry("contracts", 0),
      Map.entry("common", 1),
      Map.entry("app", 2), Map.entry("files", 2), Map.entry("notify", 2),
      Map.entry("postgres", 2), Map.entry("report", 2), Map.entry("storage", 2),
      Map.entry("plan", 2), Map.entry("decisions", 2), Map.entry("restoretest", 2),
      Map.entry("pitr", 2),
      Map.entry("approval", 3),
      Map.entry("backup", 4), Map.entry("postincident", 4),
      Map.entry("rpo", 4),
      Map.entry("recovery", 5), Map.entry("drill", 5),
      Map.entry("registry", 6));

  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+);", Pattern.MULTILINE);

  @Test
  void importsRunOnlyDownTheLayers() throws IOException {
    List<String> violations = new ArrayList<>();
    int files = 0;
    try (Stream<Path> all = Files.walk(SOURCES)) {
      for (Path f : (Iterable<Path>) all.filter(p -> p.toString().endsWith(".java"))::iterator) {
        files++;
        String pkg = SOURCES.relativize(f).getName(0).toString();
        Integer layer = LAYERS.get(pkg);
        if (layer == null) {
          violations.add(f + ": package '" + pkg + "' has no layer in PackageLayersTest");
          continue;
        }
        Matcher m = IMPORT.matcher(Files.readString(f));
        while (m.find()) {
          String imported = m.group(1);
          if (!imported.startsWith(ROOT)) {
            if (pkg.equals("contracts") && !imported.startsWith("java.")) {
              violations.add(f + ": the contract imports " + imported + " (only java.* allowed)");
            }
            continue;
          }
          String other = imported.substring(ROOT.length()).split("\\.")[0];
          Integer otherLayer = LAYERS.get(other);
          if (!other.equals(pkg) && (otherLayer == null || otherLayer >= layer)) {
            violations.add(f + ": " + pkg + " (layer " + layer + ") imports " + imported
                + " (layer " + otherLayer + ")");
          }
        }
      }
    }
    assertTrue(files > 50, "found only " + files + " sources under " + SOURCES.toAbsolutePath());
    assertEquals(List.of(), violations);
  }
}
