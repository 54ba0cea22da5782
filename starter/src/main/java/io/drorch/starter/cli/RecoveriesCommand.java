package io.drorch.starter.cli;

import io.drorch.activities.common.Json;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.starter.recovery.RecoveryRuns.Listed;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "recoveries", mixinStandardHelpOptions = true,
    description = "Find recoveries by their search attributes (a visibility query; the same filter"
        + " works in the Web UI).",
    subcommands = {RecoveriesCommand.ListRecoveries.class})
class RecoveriesCommand {

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Recoveries, newest first: workflow id, status, phase, the level a decision"
          + " waits for, start time.",
          "Every recovery waiting for a CTO (level 3): dr recoveries list --level 3",
          "  (Web UI filter: DrAwaitingLevel = 3)"})
  static class ListRecoveries implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Spec CommandSpec spec;

    @Option(names = "--awaiting-approval",
        description = "Only running recoveries with a pending decision (DrAwaitingLevel >= 1).")
    boolean awaiting;

    @Option(names = "--level", paramLabel = "N",
        description = "Only running recoveries whose highest pending decision is at level N"
            + " (DrAwaitingLevel = N; 0: nothing pending).")
    Integer level;

    @Option(names = "--incident", paramLabel = "INC", description = "Only this incident.")
    String incident;

    @Option(names = "--running", description = "Only running recoveries.")
    boolean running;

    @Option(names = "--limit", defaultValue = "100",
        description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      if (level != null && level < 0) {
        throw new ParameterException(spec.commandLine(), "--level must be 0 or more");
      }
      if (incident != null && !incident.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,39}")) {
        throw new ParameterException(spec.commandLine(),
            "--incident must be 1-40 letters, digits, '-' or '_'");
      }
      String query = RecoveryRuns.listQuery(awaiting, level, incident, running);
      try (Temporal temporal = Temporal.connect(global)) {
        List<Listed> found;
        try {
          found = RecoveryRuns.list(temporal.client(), query, limit);
        } catch (StatusRuntimeException e) {
          throw refused(e, query);
        }
        if (json) {
          System.out.println(new String(Json.bytes(found), StandardCharsets.UTF_8));
          return ExitCodes.OK;
        }
        System.out.println("# " + query);
        if (found.isEmpty()) {
          System.out.println("(no recovery matches)");
        }
        for (Listed r : found) {
          System.out.printf("%-28s %-11s %-9s %-34s %s%n", r.workflowId(), r.status(),
              r.awaitingLevel() > 0 ? "level " + r.awaitingLevel() : "-",
              r.phase() == null ? "-" : r.phase(), r.startTime());
        }
        return ExitCodes.OK;
      }
    }

    static RuntimeException refused(StatusRuntimeException e, String query) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNIMPLEMENTED) {
        return new ExitCodes.UnavailableException("this Temporal server has no visibility queries"
            + " (the Java test server, e.g. `dr demo` without the temporal CLI): use a real server,"
            + " or `dr status INCIDENT` for one recovery", e);
      }
      if (code == Status.Code.INVALID_ARGUMENT) {
        return new ExitCodes.UnavailableException("Temporal rejected the query [" + query + "]: "
            + e.getStatus().getDescription() + ". Are the search attributes registered? Run"
            + " `dr temporal setup`.", e);
      }
      return new ExitCodes.UnavailableException("the visibility query failed: " + e.getStatus(), e);
    }
  }
}
