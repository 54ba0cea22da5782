package io.drorch.workflows.notify;

import io.drorch.workflows.contracts.commands.Notification;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Tells stakeholders what happens, on the plan's channels. */
@ActivityInterface
public interface NotificationActivities {

  /**
   * Sends to every channel: log (always works); webhook (POST JSON with a human {@code text}
   * field); slack (a Slack incoming webhook, {@code {"text": …}}); email (SMTP to {@code
   * contacts}, STARTTLS and AUTH as the plan says, the password from the worker's {@code
   * DR_SMTP_PASSWORD}). Approval requests name who to call ({@code whoToCall}) on every channel.
   * Throws a retryable NOTIFY_FAILED naming the failed channels (a URL by its origin only: its
   * path may be a secret) when any failed; the workflow records it and never fails the recovery
   * because of it. At-least-once: a retry skips the channels delivered by the earlier attempt.
   */
  @ActivityMethod
  void send(Notification notification);
}
