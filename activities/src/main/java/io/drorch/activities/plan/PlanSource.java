package io.drorch.activities.plan;

import io.drorch.workflows.contracts.plan.LoadedPlan;
import java.nio.file.Path;
import java.util.Map;

/**
 * The worker's plan file ({@code --plan} / {@code DR_PLAN}, default {@code ./dr-plan.yaml}): the
 * trust root of every workflow the worker runs. Read again on each {@link #load}, so new
 * workflows pick up an edited plan; {@code ${VAR}} values come from the worker's environment.
 */
public final class PlanSource {
  public static final String ENV = "DR_PLAN";

  private final Path file;
  private final Map<String, String> env;

  private PlanSource(Path file, Map<String, String> env) {
    this.file = file.toAbsolutePath().normalize();
    this.env = env;
  }

  public static PlanSource file(Path file) {
    return new PlanSource(file, System.getenv());
  }

  /** {@code file}, else {@code $DR_PLAN}, else {@code ./dr-plan.yaml}. */
  public static PlanSource fromEnvironment(Path file) {
    if (file != null) {
      return file(file);
    }
    String env = System.getenv(ENV);
    return file(Path.of(env == null || env.isBlank() ? PlanLoader.DEFAULT_FILE : env));
  }

  public Path path() {
    return file;
  }

  /** Reads and validates the file now; {@link PlanException} lists every problem. */
  public ValidatedPlan validate() {
    return PlanLoader.loadWithWarnings(file, env);
  }

  /** Reads and validates the file now, as the workflows get it. */
  public LoadedPlan load() {
    ValidatedPlan v = validate();
    return new LoadedPlan(v.plan(), v.sha256(), file.toString());
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
