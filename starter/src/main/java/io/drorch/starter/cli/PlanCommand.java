package io.drorch.starter.cli;

import io.drorch.workflows.contracts.plan.DrPlan;

import io.drorch.activities.plan.PlanLoader;
import io.drorch.activities.plan.PlanSchema;
import io.drorch.activities.plan.ValidatedPlan;
import io.drorch.starter.plan.PlanRenderer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Check or print the DR plan.",
    subcommands = {PlanCommand.Validate.class, PlanCommand.Render.class, PlanCommand.Schema.class})
class PlanCommand {

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Validate the plan file, listing every problem with its path (exit 3 if invalid).")
  static class Validate implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Override
    public Integer call() {
      ValidatedPlan loaded = PlanLoader.loadWithWarnings(global.planPath());
      loaded.warnings().forEach(w -> System.out.println("warning: " + w));
      System.out.println(global.planPath() + ": valid plan for " + loaded.plan().application()
          + " (sha256 " + loaded.sha256() + ")");
      return ExitCodes.OK;
    }
  }

  @Command(name = "render", mixinStandardHelpOptions = true,
      description = "Print the human-readable DR plan (Markdown) generated from the plan file.")
  static class Render implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @picocli.CommandLine.Option(names = "--no-last-drill",
        description = "Do not read the last drill's report from S3.")
    boolean noDrill;

    @Override
    public Integer call() {
      DrPlan plan = global.loadPlan();
      System.out.print(PlanRenderer.markdown(plan, noDrill ? null : DrillsCommand.lastDrill(plan)));
      return ExitCodes.OK;
    }
  }

  @Command(name = "schema", mixinStandardHelpOptions = true,
      description = {"Print the JSON Schema (draft-07) of the plan file, generated from the loader's"
          + " declarations; the repository's copy is " + PlanSchema.FILE + ":",
          "  ./dr plan schema > " + PlanSchema.FILE,
          "Editors with the YAML language server check a plan whose first line is",
          "  " + PlanSchema.MODELINE_PREFIX + PlanSchema.FILE})
  static class Schema implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.print(PlanSchema.json());
      return ExitCodes.OK;
    }
  }
}
