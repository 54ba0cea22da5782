package io.drorch.workflows.notify;

import io.drorch.workflows.contracts.commands.Notification;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Tells stakeholders what happens, on the plan's channels. */
@ActivityInterface
public interface NotificationActivities {

  /**
   * Sends to every channel (log always works; webhook: POST JSON with a human {@code text} field,
   * so Slack-style endpoints work). Throws a retryable NOTIFY_FAILED naming the failed channels
   * when any failed; the workflow records it and never fails the recovery because of it.
   */
  @ActivityMethod
  void send(Notification notification);
}
