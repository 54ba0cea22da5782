package io.drorch.activities.plan;

import io.drorch.local.PlanFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.contracts.plan.ApplicationTarget;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.OnUnanswered;
import io.drorch.workflows.contracts.plan.PlanDefaults;
import io.drorch.workflows.contracts.plan.RecoverySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan's deployment and recovery sections. */
class PlanRecoverySectionsTest {

  private static DrPlan parse(String yaml) {
    return PlanLoader.parse(yaml, PlanFixtures.examplePlan(), Map.of()).plan();
  }

  private static PlanException failure(String yaml) {
    return assertThrows(PlanException.class, () -> parse(yaml));
  }

  private static PlanProblem problemAt(PlanException e, String path) {
    return e.problems().stream().filter(p -> p.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no problem at " + path + " in:\n" + e.getMessage()));
  }

  @Test
  void exampleDeploysByCommandRestoresTheEnvFromS3AndChecksHealth() {
    ApplicationTarget app = parse(PlanFixtures.exampleText()).deployment();

    assertEquals(List.of("/opt/ai-docs/deploy.sh", "--version", "latest"), app.deploy().command());
    assertNull(app.deploy().url());
    assertNull(app.deploy().method());
    assertEquals(Duration.ofMinutes(10), app.deploy().timeout());
    assertEquals("s3:config/ai-docs.env", app.environment().from());
    assertEquals("/etc/ai-docs/app.env", app.environment().to());
    assertEquals("http://localhost:8080/health", app.health().url());
    assertEquals(200, app.health().expectStatus());
    assertEquals(Duration.ofMinutes(5), app.health().timeout());
    assertEquals(Duration.ofSeconds(2), app.health().interval());
    assertEquals(Duration.ofMinutes(15), app.monitorWindow());
  }

  @Test
  void exampleRecoverySettings() {
    RecoverySettings r = parse(PlanFixtures.exampleText()).recovery();

    assertEquals("/var/tmp/dr-orchestrator", r.workDir());
    assertEquals(2, r.restoreJobs());
    assertEquals(List.of("SELECT count(*) > 0 FROM users"), r.integrityChecks());
    assertEquals(OnUnanswered.REMIND, r.onUnanswered());
    assertEquals(Duration.ofHours(1), r.reminderInterval());
  }

  @Test
  void withoutTheSectionsTheApplicationIsNotRecoveredAndRecoveryUsesDefaults() {
    String text = PlanFixtures.exampleText();
    // both sections stand together near the end of the example file, before approvals
    DrPlan plan = parse(text.substring(0, text.indexOf("\ndeployment:") + 1)
        + text.substring(text.indexOf("\napprovals:") + 1));

    assertNull(plan.deployment());
    assertEquals(PlanDefaults.RECOVERY, plan.recovery());
    assertEquals(List.of(), plan.recovery().integrityChecks());
    assertEquals(OnUnanswered.REMIND, plan.recovery().onUnanswered());
  }

  @Test
  void urlHookDefaultsToPostAndOptionalPartsToTheirDefaults() {
    DrPlan plan = parse(PlanFixtures.exampleWith(
        "    command: [\"/opt/ai-docs/deploy.sh\", \"--version\", \"latest\"]\n",
        "    url: https://ci.example.com/hooks/deploy\n",
        "    timeout: 10m\n", "",
        "    expect-status: 200\n", "",
        "    interval: 2s\n", "",
        "  monitor-window: ${DR_APP_MONITOR_WINDOW:-15m}", "  # monitor-window: 15m",
        "  on-unanswered: remind", "  on-unanswered: ABORT"));

    assertEquals("https://ci.example.com/hooks/deploy", plan.deployment().deploy().url());
    assertEquals("POST", plan.deployment().deploy().method());
    assertNull(plan.deployment().deploy().command());
    assertEquals(Duration.ofMinutes(10), plan.deployment().deploy().timeout());
    assertEquals(200, plan.deployment().health().expectStatus());
    assertEquals(Duration.ofSeconds(2), plan.deployment().health().interval());
    assertEquals(Duration.ofMinutes(15), plan.deployment().monitorWindow());
    assertEquals(OnUnanswered.ABORT, plan.recovery().onUnanswered());
    assertTrue(plan.recovery().abortWhenUnanswered());
  }

  @Test
  void everyProblemOfTheNewSectionsHasItsPath() {
    PlanException e = failure(PlanFixtures.exampleWith(
        "    # url: https://ci.example.com/hooks/deploy-ai-docs", "    url: https://ci.example.com/x",
        "    to: /etc/ai-docs/app.env", "    to: etc/app.env",
        "    from: s3:config/ai-docs.env", "    from: s3:../secrets.env",
        "${DR_APP_HEALTH_URL:-http://localhost:8080/health}", "ftp://localhost/health",
        "    expect-status: 200", "    expect-status: 42",
        "    interval: 2s", "    interval: 10m",
        "  work-dir: /var/tmp/dr-orchestrator", "  work-dir: tmp/dr",
        "  restore-jobs: 2 ", "  restore-jobs: 0 ",
        "  on-unanswered: remind", "  on-unanswered: remnd",
        "  reminder-interval: 1h", "  reminder-interval: soon"));

    assertTrue(problemAt(e, "deployment.deploy").problem().contains("exactly one of command"));
    assertTrue(problemAt(e, "deployment.environment.to").problem().contains("absolute path"));
    assertTrue(problemAt(e, "deployment.environment.from").problem().contains(".."));
    assertTrue(problemAt(e, "deployment.health.url").problem().contains("http:// or https://"));
    assertTrue(problemAt(e, "deployment.health.expect-status").problem().contains("100 and 599"));
    assertTrue(problemAt(e, "deployment.health.interval").problem().contains("shorter than the timeout"));
    assertTrue(problemAt(e, "recovery.work-dir").problem().contains("absolute path"));
    assertTrue(problemAt(e, "recovery.restore-jobs").problem().contains("between 1 and 64"));
    assertTrue(problemAt(e, "recovery.on-unanswered").problem().contains("did you mean remind?"));
    assertTrue(problemAt(e, "recovery.reminder-interval").problem().contains("not a duration"));
    assertEquals(10, e.problems().size(), e.getMessage());
  }

  @Test
  void deployCommandIsAnArgumentListNeverAShellString() {
    PlanException e = failure(PlanFixtures.exampleWith(
        "    command: [\"/opt/ai-docs/deploy.sh\", \"--version\", \"latest\"]",
        "    command: /opt/ai-docs/deploy.sh --version latest"));
    assertTrue(problemAt(e, "deployment.deploy.command").problem().contains("never a shell string"));

    e = failure(PlanFixtures.exampleWith("\"/opt/ai-docs/deploy.sh\", \"--version\"",
        "\"/opt/ai-docs/deploy.sh --version\""));
    assertTrue(problemAt(e, "deployment.deploy.command[0]").problem().contains("its own list item"));

    e = failure(PlanFixtures.exampleWith("\"/opt/ai-docs/deploy.sh\"", "\"./deploy.sh\""));
    assertTrue(problemAt(e, "deployment.deploy.command[0]").problem().contains("absolute path"));
  }

  @Test
  void methodOnlyWithAUrlAndOnlyKnownOnes() {
    PlanException e = failure(PlanFixtures.exampleWith("    # method: POST", "    method: POST"));
    assertTrue(problemAt(e, "deployment.deploy.method").problem().contains("only a url deploy hook"));

    e = failure(PlanFixtures.exampleWith(
        "    command: [\"/opt/ai-docs/deploy.sh\", \"--version\", \"latest\"]",
        "    url: https://ci.example.com/x",
        "    # method: POST", "    method: POSTT"));
    assertTrue(problemAt(e, "deployment.deploy.method").problem().contains("did you mean POST?"));
  }

  @Test
  void deploymentNeedsDeployAndHealthButNotEnvironment() {
    String text = PlanFixtures.exampleText();
    String noEnv = text.substring(0, text.indexOf("  environment:"))
        + text.substring(text.indexOf("  health:"));
    assertNull(parse(noEnv).deployment().environment());

    String noHealth = text.substring(0, text.indexOf("  health:"))
        + text.substring(text.indexOf("  monitor-window:"));
    PlanException e = failure(noHealth);
    assertTrue(problemAt(e, "deployment.health").problem().contains("is required"));
  }

  @Test
  void envFromAnAbsoluteFileIsAccepted() {
    DrPlan plan = parse(PlanFixtures.exampleWith("    from: s3:config/ai-docs.env",
        "    from: /srv/config/ai-docs.env"));
    assertEquals("/srv/config/ai-docs.env", plan.deployment().environment().from());
  }
}
