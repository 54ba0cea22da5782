package io.drorch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's example plan ({@code dr-plan.yaml} at the repository root, the plan loader's
 * default file), for tests that start from it and change one piece.
 */
public final class PlanFixtures {
  /** The example plan's file name at the repository root (the loader's default file). */
  public static final String EXAMPLE_FILE = "dr-plan.yaml";

  private PlanFixtures() {}

  public static Path repoRoot() {
    return SampleApplication.repoRoot();
  }

  public static Path examplePlan() {
    return repoRoot().resolve(EXAMPLE_FILE);
  }

  public static String exampleText() {
    try {
      return Files.readString(examplePlan());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The example with one exact piece of text replaced per pair; fails if a piece is not there. */
  public static String exampleWith(String... replacements) {
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
