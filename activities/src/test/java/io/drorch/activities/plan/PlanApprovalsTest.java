package io.drorch.activities.plan;

import io.drorch.local.PlanFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.contracts.plan.AllowedSigner;
import io.drorch.workflows.contracts.plan.ApprovalSettings;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.drorch.workflows.contracts.plan.SignatureMode;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan's approvals section and its allowed_signers file, the plan file written back
 * ({@link PlanWriter}), and the plan as the worker's first activity reads it.
 */
class PlanApprovalsTest {
  @TempDir static Path keys;
  static String alice;
  static String bob;

  @BeforeAll
  static void makeKeys() throws Exception {
    alice = publicKey("alice");
    bob = publicKey("bob");
  }

  /** The example plan, moved to {@code dir} with {@code signers} as its allowed_signers. */
  private static Path plan(Path dir, String signers, String... replacements) throws Exception {
    Path file = dir.resolve("dr-plan.yaml");
    Files.writeString(file, PlanFixtures.exampleWith(replacements));
    Files.writeString(dir.resolve("allowed_signers"), signers);
    return file;
  }

  private static String everyone(String key) {
    StringBuilder b = new StringBuilder("# test\n");
    for (String n : List.of("alice", "bob", "dana", "carol", "erin")) {
      b.append(n).append(" namespaces=\"dr-approval\" ").append(key).append('\n');
    }
    return b.toString();
  }

  private static PlanException failure(Path file) {
    return assertThrows(PlanException.class, () -> PlanLoader.loadWithWarnings(file, Map.of()));
  }

  @Test
  void theExamplePlanRequiresSignaturesAndListsAKeyForEveryApprover() throws Exception {
    DrPlan plan = PlanLoader.load(PlanFixtures.examplePlan());
    ApprovalSettings a = plan.approvals();
    assertEquals(SignatureMode.REQUIRED, a.signatures());
    assertEquals("allowed_signers", a.allowedSigners());
    assertEquals(PlanLoader.sha256(Files.readAllBytes(
        PlanFixtures.repoRoot().resolve("allowed_signers"))), a.allowedSignersSha256());
    assertEquals(List.of("alice", "bob", "dana", "carol", "erin"),
        a.signers().stream().flatMap(s -> s.principals().stream()).toList());
    assertEquals(List.of("dr-approval"), a.signers().get(0).namespaces());
    assertEquals(false, a.requesterMayApprove());
    assertEquals(1, a.approversFor("database-swap"));
  }

  @Test
  void withSignaturesRequiredEveryApproverWithoutAKeyIsAnError(@TempDir Path dir)
      throws Exception {
    String onlyAlice = "alice " + alice + "\n";
    PlanException e = failure(plan(dir, onlyAlice));
    assertTrue(e.getMessage().contains("approvals.allowed-signers: signatures are required but"
        + " bob, dana, carol, erin have no key"), e.getMessage());

    // no approvals section at all: the default is required too, and nobody has a key
    String text = PlanFixtures.exampleText();
    Files.writeString(dir.resolve("no-approvals.yaml"), text.substring(0, text.indexOf("\napprovals:")));
    PlanException none = failure(dir.resolve("no-approvals.yaml"));
    assertTrue(none.getMessage().contains("alice, bob, dana, carol, erin have no key"),
        none.getMessage());
  }

  @Test
  void optionalSignaturesNeedNoKeys(@TempDir Path dir) throws Exception {
    Path file = plan(dir, "", "signatures: required", "signatures: optional");
    ApprovalSettings a = PlanLoader.load(file).approvals();
    assertEquals(SignatureMode.OPTIONAL, a.signatures());
    assertEquals(List.of(), a.signers());
  }

  @Test
  void badLinesOfTheAllowedSignersFileAreListedWithTheirLineNumbers(@TempDir Path dir)
      throws Exception {
    String bad = everyone(alice)
        + "mallory ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBA==\n"
        + "mallory ssh-ed25519 not-base64!\n"
        + "*.example.com " + alice + "\n"
        + "ops cert-authority " + alice + "\n"
        + "ops valid-before=\"20300101\" " + alice + "\n";
    PlanException e = failure(plan(dir, bad));
    String m = e.getMessage();
    assertTrue(m.contains("line 7: key type ecdsa-sha2-nistp256 is not supported"), m);
    assertTrue(m.contains("line 8: the key is not base64"), m);
    assertTrue(m.contains("line 9: principal patterns (*.example.com) are not supported"), m);
    assertTrue(m.contains("line 10: certificate authorities are not supported"), m);
    assertTrue(m.contains("line 11: option valid-before is not supported"), m);
  }

  @Test
  void aKeyLimitedToAnotherNamespaceCannotSignDecisions(@TempDir Path dir) throws Exception {
    String signers = everyone(alice).replace("bob namespaces=\"dr-approval\"",
        "bob namespaces=\"git\"");
    PlanException e = failure(plan(dir, signers));
    assertTrue(e.getMessage().contains("but bob has no key"), e.getMessage());
  }

  @Test
  void unknownModesAndImpossibleApproverCountsAreErrors(@TempDir Path dir) throws Exception {
    PlanException e = failure(plan(dir, everyone(alice), "signatures: required",
        "signatures: mandatory", "database-swap: 1 ", "database-swap: 5 "));
    assertTrue(e.getMessage().contains("approvals.signatures: must be required"), e.getMessage());
    assertTrue(e.getMessage().contains("approvals.min-approvers.database-swap: must be between 1"
        + " and 4"), e.getMessage());
    PlanException missing = failure(plan(dir, everyone(alice),
        "allowed-signers: ${DR_ALLOWED_SIGNERS:-allowed_signers}", "allowed-signers: nope"));
    assertTrue(missing.getMessage().contains("approvals.allowed-signers: cannot read"),
        missing.getMessage());
  }

  @Test
  void twoApproversAndTheRequestersRightAreRead(@TempDir Path dir) throws Exception {
    ApprovalSettings a = PlanLoader.load(plan(dir, everyone(alice) + "bob " + bob + " 2nd\n",
        "database-swap: 1 ", "database-swap: 2 ",
        "requester-may-approve: false", "requester-may-approve: true")).approvals();
    assertEquals(2, a.approversFor("database-swap"));
    assertEquals(1, a.approversFor("files-swap"));
    assertTrue(a.requesterMayApprove());
    AllowedSigner second = a.signers().get(5);
    assertEquals(List.of("bob"), second.principals());
    assertEquals(List.of(), second.namespaces());
    assertEquals("2nd", second.comment());
    assertEquals(AllowedSigners.format(second), "bob " + bob + " 2nd");
  }

  @Test
  void aWrittenPlanLoadsBackToTheSamePlanWithItsAllowedSigners(@TempDir Path dir)
      throws Exception {
    DrPlan example = PlanLoader.load(plan(dir, everyone(alice)));
    Path out = dir.resolve("written/plan.yaml");
    PlanWriter.write(example, out);
    DrPlan back = PlanLoader.load(out);
    ApprovalSettings a = back.approvals();
    assertEquals(example.withApprovals(null), back.withApprovals(null));
    assertEquals(example.approvals().signers(), a.signers());
    assertEquals(example.approvals().minApprovers(), a.minApprovers());
    assertTrue(Files.isRegularFile(dir.resolve("written/allowed_signers")));
  }

  @Test
  void theWorkersPlanIsReadAgainForEachWorkflowAndABrokenOneFailsThatActivity(@TempDir Path dir)
      throws Exception {
    Path file = plan(dir, everyone(alice));
    PlanActivitiesImpl activities = new PlanActivitiesImpl(PlanSource.file(file));
    LoadedPlan first = activities.load();
    assertEquals(PlanLoader.sha256(Files.readAllBytes(file)), first.sha256());
    assertEquals(file.toAbsolutePath().toString(), first.source());

    Files.writeString(file, Files.readString(file).replace("prefix: ai-docs-assistant",
        "prefix: edited"));
    LoadedPlan second = activities.load();
    assertEquals("edited", second.plan().storage().prefix());
    assertTrue(!first.sha256().equals(second.sha256()));

    Files.writeString(file, "application: [");
    ApplicationFailure f = assertInstanceOf(ApplicationFailure.class,
        assertThrows(RuntimeException.class, activities::load));
    assertEquals("PLAN_INVALID", f.getType());
    assertTrue(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().contains("not valid YAML"), f.getOriginalMessage());
  }

  @Test
  void formatAndParseAgree() {
    AllowedSigners.Parsed p = AllowedSigners.parse("# c\n\nalice,dana namespaces=\"dr-approval,git\" "
        + alice + " a comment with spaces\n");
    assertEquals(List.of(), p.problems());
    AllowedSigner s = p.signers().get(0);
    assertEquals(List.of("alice", "dana"), s.principals());
    assertEquals(List.of("dr-approval", "git"), s.namespaces());
    assertEquals("a comment with spaces", s.comment());
    assertEquals(s, AllowedSigners.parse(AllowedSigners.format(s)).signers().get(0));
  }

  private static String publicKey(String name) throws Exception {
    Path key = keys.resolve(name);
    Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
        name + "@test", "-f", key.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    String[] pub = Files.readString(Path.of(key + ".pub")).trim().split(" ");
    return pub[0] + " " + pub[1];
  }
}
