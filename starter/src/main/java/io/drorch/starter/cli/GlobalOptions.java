package io.drorch.starter.cli;

import io.drorch.starter.plan.LoadedPlan;
import io.drorch.starter.plan.PlanLoader;
import io.drorch.worker.TemporalConnection;
import io.drorch.workflows.contracts.plan.DrPlan;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command accepts: the plan file and where Temporal is. */
public class GlobalOptions {
  @Option(
      names = "--plan",
      description = "The DR plan file (default: $DR_PLAN, else ./dr-plan.yaml).")
  Path plan;

  @Option(
      names = "--address",
      description = "Temporal frontend host:port (default: $TEMPORAL_ADDRESS, else 127.0.0.1:7233).")
  String address;

  @Option(
      names = "--namespace",
      description = "Temporal namespace (default: $TEMPORAL_NAMESPACE, else default).")
  String namespace;

  public Path planPath() {
    if (plan != null) {
      return plan;
    }
    String env = System.getenv("DR_PLAN");
    return Path.of(env == null || env.isBlank() ? "dr-plan.yaml" : env);
  }

  /** Loads and validates the plan; warnings go to stderr. */
  public DrPlan loadPlan() {
    LoadedPlan loaded = PlanLoader.loadWithWarnings(planPath());
    loaded.warnings().forEach(w -> System.err.println("warning: " + w));
    return loaded.plan();
  }

  public TemporalConnection temporal() {
    TemporalConnection env = TemporalConnection.fromEnvironment();
    return TemporalConnection.of(
        address != null ? address : env.address(), namespace != null ? namespace : env.namespace());
  }
}
