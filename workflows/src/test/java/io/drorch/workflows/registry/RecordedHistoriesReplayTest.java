package io.drorch.workflows.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drorch.workflows.common.Payloads;
import io.drorch.workflows.contracts.commands.RecoveryInput;
import io.drorch.workflows.contracts.values.RecoveryReport;
import io.drorch.workflows.recovery.RecoveryWorkflowImpl;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every recorded history ({@code src/test/resources/histories/<WorkflowType>/*.json},
 * written by {@code scripts/record-histories} from runs on the real Temporal dev server) against
 * the current workflow code: a change to a workflow's command sequence that is not behind
 * {@code Versions.has} fails here, before it can fail a recovery waiting in production. Every
 * type of {@link WorkflowRegistry} must have at least one recorded history.
 */
class RecordedHistoriesReplayTest {
  static final Path HISTORIES = Path.of("src/test/resources/histories");

  /**
   * A replay runs the workflow code without a server: on a loaded machine a workflow thread may
   * not yield within the SDK's default 1 s deadlock detection, which is no finding about the code.
   */
  static final io.temporal.worker.WorkerOptions REPLAY = io.temporal.worker.WorkerOptions
      .newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build();

  private static TestWorkflowEnvironment env;

  @BeforeAll
  static void start() {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
            .setDataConverter(Payloads.dataConverter()).build())
        .build());
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @TestFactory
  Stream<DynamicTest> everyRecordedHistoryReplaysOnTheCurrentCode() throws IOException {
    List<Path> files = recorded();
    Worker worker = env.newWorker("replay-current", REPLAY);
    worker.registerWorkflowImplementationTypes(WorkflowRegistry.implementations());
    return files.stream().map(f -> DynamicTest.dynamicTest(HISTORIES.relativize(f).toString(),
        () -> WorkflowReplayer.replayWorkflowExecution(history(f), worker)));
  }

  @Test
  void everyRegisteredWorkflowTypeHasARecordedHistory() throws IOException {
    List<Path> files = recorded();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, Class<?>> type : WorkflowRegistry.byType().entrySet()) {
      Path dir = HISTORIES.resolve(type.getKey());
      boolean any = files.stream().anyMatch(f -> f.startsWith(dir));
      if (!any) {
        missing.add(type.getKey() + " (" + type.getValue().getSimpleName() + ")");
      }
    }
    assertTrue(missing.isEmpty(), "no recorded history for " + missing + ": add a scenario to"
        + " starter/src/test/java/io/drorch/starter/histories/HistoryRecorder.java and run"
        + " scripts/record-histories <its type> (docs/ARCHITECTURE.md, \"Changing a workflow"
        + " safely\")");
  }

  /**
   * The replay catches what it must: the recovery changed without a version (a timer before its
   * first activity) fails on the recorded recovery.
   */
  @Test
  void anUnversionedChangeToTheCommandsIsCaught() throws Exception {
    Path recorded = HISTORIES.resolve("RecoveryWorkflow/recovered.json");
    assertTrue(Files.exists(recorded), recorded + " is missing: run scripts/record-histories");
    Worker worker = env.newWorker("replay-changed", REPLAY);
    worker.registerWorkflowImplementationTypes(UnversionedChange.class);
    Exception e = assertThrows(Exception.class,
        () -> WorkflowReplayer.replayWorkflowExecution(history(recorded), worker));
    assertTrue(String.valueOf(e.getMessage()).contains("TMPRL1100")
            || e.getClass().getSimpleName().contains("NonDeterministic")
            || String.valueOf(e.getCause()).contains("TMPRL1100"),
        "a non-determinism error, not " + e);
  }

  /** The recovery with one unversioned change: a short wait before anything else. */
  public static class UnversionedChange extends RecoveryWorkflowImpl {
    @WorkflowInit
    public UnversionedChange(RecoveryInput input) {
      super(input);
    }

    @Override
    public RecoveryReport recover(RecoveryInput in) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.recover(in);
    }
  }

  private static WorkflowExecutionHistory history(Path f) throws IOException {
    return WorkflowExecutionHistory.fromJson(Files.readString(f));
  }

  /**
   * The recorded histories; fails (never skips) when there are none: a missing folder means the
   * replay tests protect nothing.
   */
  static List<Path> recorded() throws IOException {
    assertTrue(Files.isDirectory(HISTORIES), "no recorded histories: " + HISTORIES.toAbsolutePath()
        + " is missing; run scripts/record-histories and commit it");
    try (Stream<Path> s = Files.walk(HISTORIES)) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertFalse(files.isEmpty(), "no recorded histories under " + HISTORIES.toAbsolutePath()
          + ": run scripts/record-histories and commit them");
      return files;
    }
  }
}
