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
      description = "Temporal frontend host:port (default: $TEMPORAL_ADDRESS, else the profile's,"
          + " else 127.0.0.1:7233). TLS and API keys: TEMPORAL_TLS*, TEMPORAL_API_KEY.")
  String address;

  @Option(
      names = "--namespace",
      description = "Temporal namespace (default: $TEMPORAL_NAMESPACE, else the profile's, else default).")
  String namespace;

  @Option(
      names = "--profile",
      description = "Profile of the temporal.toml file ($TEMPORAL_CONFIG_FILE, else"
          + " ~/.config/temporalio/temporal.toml), as the temporal CLI (default: $TEMPORAL_PROFILE,"
          + " else default).")
  String profile;

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

  /**
   * Where Temporal is and how to reach it: Temporal's environment configuration (TEMPORAL_*
   * variables, temporal.toml profiles) with --address, --namespace and --profile on top; the
   * payload keys (DR_PAYLOAD_KEYS / DR_PAYLOAD_KEY). See {@link TemporalConnection}.
   */
  public TemporalConnection temporal() {
    return TemporalConnection.load(System.getenv(), address, namespace, profile);
  }
}
