package io.drorch.workflows.registry;

import io.drorch.workflows.backup.BaseBackupWorkflowImpl;
import io.drorch.workflows.backup.DatabaseBackupWorkflowImpl;
import io.drorch.workflows.backup.FileBackupWorkflowImpl;
import io.drorch.workflows.backup.RetentionWorkflowImpl;
import io.drorch.workflows.backup.VerifyByRestoreWorkflowImpl;
import io.drorch.workflows.drill.DrillCleanupWorkflowImpl;
import io.drorch.workflows.drill.DrillWorkflowImpl;
import io.drorch.workflows.postincident.PostIncidentWorkflowImpl;
import io.drorch.workflows.recovery.ApplicationRecoveryWorkflowImpl;
import io.drorch.workflows.recovery.DatabaseRecoveryWorkflowImpl;
import io.drorch.workflows.recovery.FileRecoveryWorkflowImpl;
import io.drorch.workflows.recovery.RecoveryWorkflowImpl;
import io.drorch.workflows.rpo.RpoWatchWorkflowImpl;
import io.temporal.common.metadata.POJOWorkflowImplMetadata;
import io.temporal.common.metadata.POJOWorkflowMethodMetadata;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every workflow implementation the worker hosts, in one list: the worker registers exactly these,
 * and {@code RecordedHistoriesReplayTest} demands a recorded history for each of their types. A new
 * workflow type is added here (and nowhere else in the worker), then recorded with
 * {@code scripts/record-histories} (see docs/ARCHITECTURE.md, "Changing a workflow safely").
 */
public final class WorkflowRegistry {
  private static final List<Class<?>> IMPLEMENTATIONS = List.of(
      DatabaseBackupWorkflowImpl.class,
      FileBackupWorkflowImpl.class,
      RetentionWorkflowImpl.class,
      BaseBackupWorkflowImpl.class,
      RecoveryWorkflowImpl.class,
      DatabaseRecoveryWorkflowImpl.class,
      FileRecoveryWorkflowImpl.class,
      ApplicationRecoveryWorkflowImpl.class,
      VerifyByRestoreWorkflowImpl.class,
      DrillWorkflowImpl.class,
      DrillCleanupWorkflowImpl.class,
      PostIncidentWorkflowImpl.class,
      RpoWatchWorkflowImpl.class);

  private WorkflowRegistry() {}

  /** The implementation classes, for {@code Worker.registerWorkflowImplementationTypes}. */
  public static Class<?>[] implementations() {
    return IMPLEMENTATIONS.toArray(new Class<?>[0]);
  }

  /** Workflow type name (what histories record) → its implementation class, sorted by name. */
  public static Map<String, Class<?>> byType() {
    Map<String, Class<?>> out = new TreeMap<>();
    for (Class<?> impl : IMPLEMENTATIONS) {
      for (POJOWorkflowMethodMetadata m
          : POJOWorkflowImplMetadata.newInstance(impl).getWorkflowMethods()) {
        out.put(m.getName(), impl);
      }
    }
    return out;
  }
}
