package io.drorch.workflows.contracts.plan;

import java.time.Duration;
import java.util.List;

/**
 * Where stakeholders are told what happens, how often progress is reported, and who they are.
 *
 * @param contacts the plan's contact list (its top-level {@code contacts:} section), null when the
 *     plan has none. It is kept here, beside the channels, so that whatever sends notifications
 *     (the workflow-side {@code Notifier}, which gets this section and the escalation chain) can
 *     name who to call in every approval request and reach everyone at level 0.
 */
public record NotificationSettings(
    Duration progressInterval, List<NotificationChannel> channels, Contacts contacts) {

  /** Settings without a contact list. */
  public NotificationSettings(Duration progressInterval, List<NotificationChannel> channels) {
    this(progressInterval, channels, null);
  }

  public NotificationSettings withContacts(Contacts c) {
    return new NotificationSettings(progressInterval, channels, c);
  }
}
