package io.drorch.starter.plan;

import io.drorch.local.PlanFixtures;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.activities.plan.PlanLoader;
import io.drorch.workflows.contracts.plan.DrPlan;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanRendererTest {

  private static DrPlan example(Map<String, String> env) {
    return PlanLoader.parse(PlanFixtures.exampleText(), PlanFixtures.examplePlan(), env).plan();
  }

  private static void assertContains(String md, String expected) {
    assertTrue(md.contains(expected), "missing <" + expected + "> in:\n" + md);
  }

  @Test
  void rendersWhoMayApproveAndHowItIsProven() {
    String md = PlanRenderer.markdown(example(Map.of()));
    assertContains(md, "### Approvals\n- Every decision is signed with the approver's SSH key"
        + " (`ssh-keygen -Y sign -n dr-approval`");
    assertContains(md, "against the keys in `allowed_signers`");
    assertContains(md, "  - alice: ssh-ed25519 SHA256:");
    assertContains(md, "- Four eyes: whoever starts a recovery may not approve it");
    assertContains(md, "`dr approve INC-42 --as NAME --key ~/.ssh/id_ed25519`");
  }

  @Test
  void rendersTheSeedsSectionsWithTheRealBucketCommandsAndEscalation() {
    String md = PlanRenderer.markdown(example(Map.of()));

    for (String section : new String[] {"## Overview", "## Recovery Time Objectives (RTO)",
        "## Recovery Point Objectives (RPO)", "## Backup Procedures", "## Recovery Procedures",
        "## Communication Plan", "## Escalation Procedures", "## Testing Procedures",
        "## Post-Recovery Procedures"}) {
      assertContains(md, section);
    }
    assertContains(md, "- Critical Systems: 4 hours");
    assertContains(md, "- Database: 1 hour");
    assertContains(md, "s3://ai-docs-dr-backups/ai-docs-assistant/database/");
    assertContains(md, "aws s3 cp s3://ai-docs-dr-backups/ai-docs-assistant/database/<id>.dump .");
    assertContains(md, "pg_restore -h localhost -U ai_docs -d ai_docs <id>.dump");
    assertContains(md, "aws s3 cp s3://ai-docs-dr-backups/ai-docs-assistant/files/<id>.tar.gz .");
    assertContains(md, "tar -xzf <id>.tar.gz -C /app/uploads");
    assertContains(md, "30-day retention");
    assertContains(md, "Point-in-time recovery");
    assertContains(md, "1. Level 1: Infrastructure Team");
    assertContains(md, "2. Level 2: Development Team Lead");
    assertContains(md, "3. Level 3: CTO");
    assertContains(md, "4. Level 4: CEO");
    assertContains(md, "| 1 | Infrastructure Team | alice, bob | infra-team@example.com,"
        + " alice.martin@example.com, bob.chen@example.com | 30 minutes |");
    assertContains(md, PlanRenderer.CMD_RECOVER);
    assertContains(md, PlanRenderer.CMD_APPROVE);
  }

  @Test
  void contactInformationIsTheSeedsListWithNamesPhonesAndTheTeamsGroup() {
    String md = PlanRenderer.markdown(example(Map.of()));

    assertContains(md, "## Contact Information\n"
        + "- Primary Contact: Alice Martin - +1 555 0100 - alice.martin@example.com\n"
        + "- Secondary Contact: Bob Chen - +1 555 0101 - bob.chen@example.com\n"
        + "- Infrastructure Team: infra-team@example.com\n");
    assertContains(md, "- Level 2 Development Team Lead: dev-lead@example.com");
  }

  @Test
  void channelsAreShownWithoutTheSecretPathOfAWebhook() {
    String md = PlanRenderer.markdown(example(Map.of(
        "DR_WEBHOOK_URL", "https://hooks.slack.com/services/T000/B000/XXSECRETXX")));

    assertContains(md, "webhook to `https://hooks.slack.com/…`");
    assertTrue(!md.contains("XXSECRETXX"), md);
  }

  @Test
  void s3CompatibleEndpointAndOtherPortAppearInTheHandCommands() {
    String md = PlanRenderer.markdown(example(Map.of(
        "DR_S3_ENDPOINT", "http://minio:9000", "DR_DB_HOST", "app-db", "DR_DB_PORT", "6543")));

    assertContains(md, "aws --endpoint-url http://minio:9000 s3 cp s3://ai-docs-dr-backups/");
    assertContains(md, "pg_restore -h app-db -p 6543 -U ai_docs -d ai_docs <id>.dump");
  }

  @Test
  void applicationRecoveryShowsTheConcreteDeployEnvironmentAndHealthCommands() {
    String md = PlanRenderer.markdown(example(Map.of()));

    assertContains(md, "### Application Recovery");
    assertContains(md, "   /opt/ai-docs/deploy.sh --version latest");
    assertContains(md, "(umask 077 && aws s3 cp s3://ai-docs-dr-backups/ai-docs-assistant/config/ai-docs.env"
        + " /etc/ai-docs/app.env)");
    assertContains(md, "curl -s -o /dev/null -w '%{http_code}\\n' http://localhost:8080/health   # expect 200");
    assertContains(md, "within 5 minutes");
    assertContains(md, "keep checking for 15 minutes");
    assertContains(md, "psql -h localhost -U ai_docs -d ai_docs -tAc 'SELECT count(*) > 0 FROM users'");
    assertContains(md, "a reminder goes out every 1 hour");
  }

  @Test
  void planWithoutDeploymentSaysTheApplicationIsNotAutomated() {
    String text = PlanFixtures.exampleText();
    DrPlan plan = PlanLoader.parse(text.substring(0, text.indexOf("\ndeployment:") + 1)
        + text.substring(text.indexOf("\napprovals:") + 1), PlanFixtures.examplePlan(),
        Map.of()).plan();
    String md = PlanRenderer.markdown(plan);

    assertContains(md, "1. Deploy the latest version of the application\n");
    assertContains(md, "Not automated: the plan has no `deployment` section");
  }

  @Test
  void urlHookIsRenderedAsCurlWithoutItsQuery() {
    DrPlan plan = PlanLoader.parse(PlanFixtures.exampleWith(
        "    command: [\"/opt/ai-docs/deploy.sh\", \"--version\", \"latest\"]",
        "    url: https://ci.example.com/hooks/deploy?token=s3cr3t",
        "    # method: POST", "    method: PUT"), PlanFixtures.examplePlan(), Map.of()).plan();
    String md = PlanRenderer.markdown(plan);

    assertContains(md, "curl -fsS -X PUT 'https://ci.example.com/hooks/deploy?…'");
    assertTrue(!md.contains("s3cr3t"), md);
  }
}
