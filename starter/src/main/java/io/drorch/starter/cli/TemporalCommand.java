package io.drorch.starter.cli;

import io.drorch.worker.SearchAttributeSetup;
import io.drorch.workflows.common.SearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "temporal", mixinStandardHelpOptions = true,
    description = "Prepare the Temporal namespace the orchestrator uses.",
    subcommands = {TemporalCommand.Setup.class})
class TemporalCommand {

  @Command(name = "setup", mixinStandardHelpOptions = true,
      description = "Register the custom search attributes (DrKind, DrIncident, DrPhase,"
          + " DrAwaitingLevel) on the namespace; adds only the missing ones (idempotent)."
          + " Without them every workflow task that sets one fails.")
  static class Setup implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Override
    public Integer call() {
      String namespace = global.temporal().namespace();
      try (Temporal temporal = Temporal.connect(global)) {
        SearchAttributeSetup.Result r;
        try {
          r = SearchAttributeSetup.ensure(temporal.service, namespace);
        } catch (StatusRuntimeException e) {
          throw refused(e, namespace);
        }
        System.out.println("namespace " + namespace + ": search attributes");
        SearchAttributes.definitions().forEach((name, type) -> System.out.printf(
            "  %-16s %-8s %s%n", name, SearchAttributes.cliType(type),
            r.added().contains(name) ? "added" : "already registered"));
        return ExitCodes.OK;
      }
    }

    static RuntimeException refused(StatusRuntimeException e, String namespace) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.NOT_FOUND) {
        return new ExitCodes.UnavailableException("namespace " + namespace + " does not exist"
            + " on this Temporal server (" + e.getStatus().getDescription() + ")", e);
      }
      if (code == Status.Code.PERMISSION_DENIED || code == Status.Code.UNIMPLEMENTED
          || code == Status.Code.UNAUTHENTICATED) {
        String pairs = SearchAttributes.definitions().entrySet().stream()
            .map(x -> x.getKey() + "=" + SearchAttributes.cliType(x.getValue()))
            .collect(Collectors.joining(" "));
        return new ExitCodes.UnavailableException("this Temporal server did not let us add search"
            + " attributes (" + code + ": " + e.getStatus().getDescription() + "). On Temporal"
            + " Cloud add them in the Cloud UI (Namespaces > " + namespace + " > Search"
            + " attributes) or with tcld (`tcld namespace search-attributes add -n " + namespace
            + " --sa " + pairs.replace(" ", " --sa ") + "`); on a self-hosted server an admin runs"
            + " `temporal operator search-attribute create --namespace " + namespace
            + " --name NAME --type TYPE` for each of " + pairs + ".", e);
      }
      return new ExitCodes.UnavailableException("Temporal refused to add search attributes: "
          + e.getStatus(), e);
    }
  }
}
