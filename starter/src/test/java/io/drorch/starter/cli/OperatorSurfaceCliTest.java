package io.drorch.starter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.drorch.activities.common.Json;
import io.drorch.starter.TestStack;
import io.drorch.starter.Waits;
import io.drorch.starter.backup.BackupRuns;
import io.drorch.starter.demo.LocalWorker;
import io.drorch.starter.recovery.RecoveryRuns.Listed;
import io.drorch.starter.recovery.RecoveryRuns;
import io.drorch.worker.DrWorker;
import io.drorch.worker.SearchAttributeSetup;
import io.drorch.workflows.common.SearchAttributes;
import io.drorch.workflows.contracts.plan.DrPlan;
import io.drorch.workflows.contracts.values.Outcome;
import io.drorch.workflows.contracts.values.RecoveryScope;
import io.drorch.workflows.contracts.values.Tier;
import io.drorch.workflows.contracts.values.Verdict;
import io.drorch.workflows.recovery.RecoveryWorkflow;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The operator surface on the real Temporal dev server: `dr recoveries list` finds recoveries by
 * the level their decision waits for (the search attributes the workflows keep current), and
 * `dr temporal setup` registers the search attributes once.
 */
class OperatorSurfaceCliTest {

  @Test
  void recoveriesListFollowsTheAwaitingLevelThroughAnEscalation() throws Exception {
    TestStack stack = TestStack.get();
    WorkflowClient client = stack.temporal.client();
    DrPlan plan = stack.samplePlan("ops_list", "ops-list");
    try (LocalWorker worker = stack.worker(plan)) {
      recoveriesListFollowsTheAwaitingLevel(stack, client, worker.taskQueue());
    }
  }

  private void recoveriesListFollowsTheAwaitingLevel(TestStack stack, WorkflowClient client,
      String queue) throws Exception {
    BackupRuns.await(BackupRuns.startDatabase(client, queue, "test"));
    RecoveryWorkflow wf = RecoveryRuns.start(client, queue, "OPS-1",
        List.of(RecoveryScope.DATABASE), Tier.CRITICAL, null, null, "test");
    Waits.pending(wf, null, 0, Duration.ofMinutes(2));
    String address = stack.temporal.target();

    List<Listed> level1 = poll(address, l -> ids(l).contains("recovery-OPS-1"), "--level", "1");
    Listed r = level1.stream().filter(x -> x.workflowId().equals("recovery-OPS-1")).findFirst()
        .orElseThrow();
    assertEquals("RUNNING", r.status());
    assertEquals(1, r.awaitingLevel());
    assertEquals("OPS-1", r.incident());
    assertTrue(r.phase() != null && !r.phase().isBlank(), r.toString());
    assertTrue(r.startTime() != null);
    assertEquals(List.of("recovery-OPS-1"), ids(list(address, "--incident", "OPS-1")),
        "the parent only, not its child recovery-OPS-1-database");
    assertTrue(ids(list(address, "--awaiting-approval")).contains("recovery-OPS-1"));

    Cli.Result escalated = Cli.run("escalate", "OPS-1", "--address", address, "--reason", "test");
    assertEquals(0, escalated.exitCode(), escalated.err());

    poll(address, l -> ids(l).contains("recovery-OPS-1"), "--level", "2");
    poll(address, l -> !ids(l).contains("recovery-OPS-1"), "--level", "1");
    Cli.Result text = Cli.run("recoveries", "list", "--level", "2", "--address", address);
    assertEquals(0, text.exitCode(), text.err());
    assertTrue(text.out().contains("# DrKind = 'recovery' AND WorkflowType = 'RecoveryWorkflow'"
        + " AND ExecutionStatus = 'Running' AND DrAwaitingLevel = 2"), text.out());
    assertTrue(text.out().lines().anyMatch(
        l -> l.startsWith("recovery-OPS-1 ") && l.contains("RUNNING") && l.contains("level 2")),
        text.out());

    // level 1 (alice) can no longer decide; dana (level 2) rejects: the recovery ends
    RecoveryRuns.decide(client, "OPS-1", "dana", Verdict.REJECT, null, "test over",
        stack.signer("dana"));
    assertEquals(Outcome.ABORTED, RecoveryRuns.result(client, "OPS-1").outcome());
    List<Listed> done = poll(address, l -> l.size() == 1 && l.get(0).status().equals("COMPLETED"),
        "--incident", "OPS-1");
    assertEquals(0, done.get(0).awaitingLevel());
    assertEquals("finished: ABORTED", done.get(0).phase());
    assertFalse(ids(list(address, "--awaiting-approval")).contains("recovery-OPS-1"));
  }

  @Test
  void temporalSetupAddsTheMissingSearchAttributesOnceAndTheWorkerCheckSeesThem()
      throws Exception {
    TestStack stack = TestStack.get();
    String ns = "dr-setup-" + System.nanoTime();
    stack.temporal.service().blockingStub().registerNamespace(RegisterNamespaceRequest.newBuilder()
        .setNamespace(ns).setWorkflowExecutionRetentionPeriod(Durations.fromDays(1)).build());
    WorkflowClient client = WorkflowClient.newInstance(stack.temporal.service(),
        WorkflowClientOptions.newBuilder().setNamespace(ns).build());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) { // a new namespace takes a moment to be known everywhere
      try {
        SearchAttributeSetup.list(stack.temporal.service(), ns);
        break;
      } catch (StatusRuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(300);
      }
    }
    List<String> before = DrWorker.checkSearchAttributes(client);
    assertEquals(4, before.size(), before.toString());
    assertTrue(before.contains("DrAwaitingLevel (Int) is missing"), before.toString());

    String address = stack.temporal.target();
    Cli.Result first = Cli.run("temporal", "setup", "--address", address, "--namespace", ns);
    assertEquals(0, first.exitCode(), first.err());
    assertEquals(4, first.out().lines().filter(l -> l.endsWith(" added")).count(), first.out());
    assertTrue(first.out().contains("DrAwaitingLevel  Int      added"), first.out());

    Cli.Result second = Cli.run("temporal", "setup", "--address", address, "--namespace", ns);
    assertEquals(0, second.exitCode(), second.err());
    assertEquals(4, second.out().lines().filter(l -> l.endsWith(" already registered")).count(),
        second.out());
    assertFalse(second.out().contains(" added"), second.out());

    assertEquals(List.of(), DrWorker.checkSearchAttributes(client));
    assertEquals(SearchAttributes.definitions().keySet(), SearchAttributes.definitions().keySet()
        .stream().filter(SearchAttributeSetup.list(stack.temporal.service(), ns)::containsKey)
        .collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void recoveriesListRejectsABadIncidentAsAUsageError() {
    Cli.Result r = Cli.run("recoveries", "list", "--incident", "x' OR 'a'='a");
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.out() + r.err());
  }

  private static List<String> ids(List<Listed> l) {
    return l.stream().map(Listed::workflowId).toList();
  }

  private static List<Listed> list(String address, String... filter) throws Exception {
    String[] args = concat(new String[] {"recoveries", "list", "--json", "--address", address},
        filter);
    Cli.Result r = Cli.run(args);
    assertEquals(0, r.exitCode(), r.err());
    return Arrays.asList(Json.read(r.out().getBytes(StandardCharsets.UTF_8), Listed[].class));
  }

  /** Visibility is eventually consistent: asks again for up to 10 s. */
  private static List<Listed> poll(String address, Predicate<List<Listed>> until,
      String... filter) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<Listed> l = list(address, filter);
    while (!until.test(l)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("after 10 s, recoveries list " + String.join(" ", filter)
            + " still gives " + l);
      }
      Thread.sleep(200);
      l = list(address, filter);
    }
    return l;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
