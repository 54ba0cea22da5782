package io.drorch.starter.bench;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a workflow's history says about where its time went: each activity's start and end (and
 * its result), signals received and workflow tasks completed, with the server's timestamps.
 */
final class HistorySteps {
  /** One activity execution: its type, when it was scheduled, started and closed, its result. */
  record Activity(String type, Instant scheduled, Instant started, Instant closed,
      io.temporal.api.common.v1.Payloads result) {
    double seconds() {
      return started == null || closed == null ? 0
          : (closed.toEpochMilli() - started.toEpochMilli()) / 1000.0;
    }

    <T> T result(DataConverter converter, Class<T> type) {
      return result == null ? null
          : converter.fromPayloads(0, Optional.of(result), type, type);
    }
  }

  final List<HistoryEvent> events;
  final List<Activity> activities = new ArrayList<>();

  private HistorySteps(List<HistoryEvent> events) {
    this.events = events;
    Map<Long, HistoryEvent> scheduled = new HashMap<>();
    Map<Long, Instant> started = new HashMap<>();
    for (HistoryEvent e : events) {
      switch (e.getEventType()) {
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> scheduled.put(e.getEventId(), e);
        case EVENT_TYPE_ACTIVITY_TASK_STARTED -> started.put(
            e.getActivityTaskStartedEventAttributes().getScheduledEventId(), time(e));
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
          var a = e.getActivityTaskCompletedEventAttributes();
          HistoryEvent s = scheduled.get(a.getScheduledEventId());
          activities.add(new Activity(
              s.getActivityTaskScheduledEventAttributes().getActivityType().getName(), time(s),
              started.get(a.getScheduledEventId()), time(e),
              a.hasResult() ? a.getResult() : null));
        }
        default -> { }
      }
    }
  }

  static HistorySteps of(WorkflowClient client, String workflowId) {
    return new HistorySteps(client.fetchHistory(workflowId).getEvents());
  }

  Instant started() {
    return time(events.get(0));
  }

  /** The first completed activity of {@code type}, if any. */
  Optional<Activity> activity(String type) {
    return activities.stream().filter(a -> a.type().equals(type)).findFirst();
  }

  /**
   * When the workflow had handled the first signal named {@code signal}: the first workflow task
   * completed after it (the moment its handler's effect, e.g. a pending decision, existed).
   */
  Optional<Instant> handled(String signal) {
    boolean seen = false;
    for (HistoryEvent e : events) {
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
          && e.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals(signal)) {
        seen = true;
      } else if (seen && e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        return Optional.of(time(e));
      }
    }
    return Optional.empty();
  }

  static Instant time(HistoryEvent e) {
    return Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
  }
}
