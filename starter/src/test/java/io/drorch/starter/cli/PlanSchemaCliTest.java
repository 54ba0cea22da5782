package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drorch.activities.plan.PlanSchema;
import org.junit.jupiter.api.Test;

/** `dr plan schema` prints the schema generated from the plan's declarations, nothing else. */
class PlanSchemaCliTest {
  @Test
  void planSchemaPrintsTheGeneratedSchema() {
    Cli.Result r = Cli.run("plan", "schema");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(PlanSchema.json(), r.out());
    assertEquals("", r.err());
  }
}
