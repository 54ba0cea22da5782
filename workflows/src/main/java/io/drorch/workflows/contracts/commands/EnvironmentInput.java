package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.EnvironmentSource;
import io.drorch.workflows.contracts.plan.StorageTarget;

/**
 * @param incidentId names the copy of the file being replaced: {@code <to>.pre-<incident>}
 *     (null from workflows older than this field: {@code <to>.pre-recovery})
 */
public record EnvironmentInput(EnvironmentSource source, StorageTarget storage,
    String incidentId) {

  public EnvironmentInput(EnvironmentSource source, StorageTarget storage) {
    this(source, storage, null);
  }
}
