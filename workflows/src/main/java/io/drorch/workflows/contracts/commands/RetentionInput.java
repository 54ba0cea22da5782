package io.drorch.workflows.contracts.commands;

import io.drorch.workflows.contracts.plan.NotificationSettings;
import io.drorch.workflows.contracts.plan.StorageTarget;

/**
 * Input of {@code RetentionWorkflow}. Retention days, keep-verified come from {@code storage}.
 *
 * @param notifications where an aborted sweep or a problem for a person is reported; null: the
 *     worker's log only
 */
public record RetentionInput(StorageTarget storage, NotificationSettings notifications) {

  public RetentionInput(StorageTarget storage) {
    this(storage, null);
  }
}
