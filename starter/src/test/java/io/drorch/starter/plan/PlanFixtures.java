package io.drorch.starter.plan;

import io.drorch.activities.plan.PlanLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's example plan, found by walking up from the working directory. */
final class PlanFixtures {
  private PlanFixtures() {}

  static Path repoRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(PlanLoader.DEFAULT_FILE))) {
        return d;
      }
    }
    throw new IllegalStateException("no " + PlanLoader.DEFAULT_FILE + " above " + dir);
  }

  static Path examplePlan() {
    return repoRoot().resolve(PlanLoader.DEFAULT_FILE);
  }

  static String exampleText() {
    try {
      return Files.readString(examplePlan());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The example with one exact piece of text replaced; fails if the piece is not there. */
  static String exampleWith(String... replacements) {
    String text = exampleText();
    for (int i = 0; i < replacements.length; i += 2) {
      if (!text.contains(replacements[i])) {
        throw new IllegalArgumentException("example plan has no \"" + replacements[i] + "\"");
      }
      text = text.replace(replacements[i], replacements[i + 1]);
    }
    return text;
  }
}
