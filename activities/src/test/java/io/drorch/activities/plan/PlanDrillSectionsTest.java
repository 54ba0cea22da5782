package io.drorch.activities.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.local.PlanFixtures;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.VerifyByRestore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan's drills and post-incident sections and the drill schedule (issue 11). */
class PlanDrillSectionsTest {

  private static DrPlan parse(String yaml) {
    return PlanLoader.parse(yaml, PlanFixtures.examplePlan(), Map.of()).plan();
  }

  private static PlanProblem problemAt(String yaml, String path) {
    PlanException e = assertThrows(PlanException.class, () -> parse(yaml));
    return e.problems().stream().filter(p -> p.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no problem at " + path + " in:\n" + e.getMessage()));
  }

  @Test
  void exampleDrillsPostIncidentAndSchedule() {
    DrPlan plan = parse(PlanFixtures.exampleText());

    assertEquals(List.of("database", "files"), plan.drills().scope());
    assertEquals(Duration.ofDays(7), plan.drills().keepFailedFor());
    assertEquals(VerifyByRestore.DAILY, plan.drills().verifyByRestore());
    assertEquals("alice", plan.postIncident().owner());
    assertEquals(Duration.ofDays(7), plan.postIncident().due());
    assertEquals(Duration.ofDays(1), plan.postIncident().remindBefore());
    assertEquals(Duration.ofDays(1), plan.postIncident().reminderInterval());
    assertEquals("0 3 1 1,4,7,10 *", plan.schedules().drill());
  }

  @Test
  void withoutTheSectionsTheDefaultsApply() {
    String text = PlanFixtures.exampleText();
    String without = text.substring(0, text.indexOf("\ndrills:") + 1)
        + text.substring(text.indexOf("\napprovals:") + 1);
    without = without.replaceAll("(?m)^  drill: .*\\n", "");
    DrPlan plan = parse(without);

    assertEquals(PlanDefaults.DRILLS, plan.drills());
    assertEquals(PlanDefaults.postIncident(null), plan.postIncident());
    assertNull(plan.postIncident().owner(), "default owner: level 1's first approver");
    assertEquals(PlanDefaults.DRILL_SCHEDULE, plan.schedules().drill());
  }

  @Test
  void valuesAreCheckedWithTheFixInTheMessage() {
    assertTrue(problemAt(PlanFixtures.exampleWith("verify-by-restore: daily",
        "verify-by-restore: weekly"), "drills.verify-by-restore").problem()
        .contains("daily"));
    assertTrue(problemAt(PlanFixtures.exampleWith("scope: [database, files]",
        "scope: [database, application]"), "drills.scope[1]").problem()
        .contains("database or files"));
    assertTrue(problemAt(PlanFixtures.exampleWith("keep-failed-for: 7d",
        "keep-failed-for: 400d"), "drills.keep-failed-for").problem().contains("365d"));
    assertTrue(problemAt(PlanFixtures.exampleWith("owner: alice  ", "owner: zoe    "),
        "post-incident.owner").problem().contains("approver"));
    assertTrue(problemAt(PlanFixtures.exampleWith("due: 7d ", "due: 30m"),
        "post-incident.due").problem().contains("at least 1h"));
    assertTrue(problemAt(PlanFixtures.exampleWith("drill: \"0 3 1 1,4,7,10 *\"",
        "drill: \"0 3 1 13 *\""), "schedules.drill").problem().length() > 0);
  }

  @Test
  void verifyModeIsCaseInsensitive() {
    assertEquals(VerifyByRestore.EVERY, parse(PlanFixtures.exampleWith(
        "verify-by-restore: daily", "verify-by-restore: EVERY")).drills().verifyByRestore());
  }
}
