package io.drorch.workflows.common;

import io.temporal.api.common.v1.Payload;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.TestWorkflowExtension;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helpers for what the Web UI shows: registered search attributes, their current values and
 * their history, and the summaries of activities and timers.
 */
public final class UiMetadata {
  private UiMetadata() {}

  /**
   * Registers the project's search attributes on the test server, as `dr temporal setup` does,
   * and uses the project's payload converter (as every client and worker we make does).
   */
  public static TestWorkflowExtension.Builder withSearchAttributes(TestWorkflowExtension.Builder b) {
    SearchAttributes.definitions().forEach(b::registerSearchAttribute);
    b.setWorkflowClientOptions(io.temporal.client.WorkflowClientOptions.newBuilder()
        .setDataConverter(Payloads.dataConverter()).build());
    return b;
  }

  /** The current value of a search attribute (DescribeWorkflowExecution). */
  public static <T> T current(WorkflowClient client, String workflowId, SearchAttributeKey<T> key) {
    return client.newUntypedWorkflowStub(workflowId).describe().getTypedSearchAttributes().get(key);
  }

  /** Every value the workflow set for {@code key}, in order: at start, then each upsert. */
  public static <T> List<T> history(WorkflowClient client, String workflowId,
      SearchAttributeKey<T> key) {
    List<T> values = new ArrayList<>();
    for (HistoryEvent e : client.fetchHistory(workflowId).getEvents()) {
      var fields = e.hasWorkflowExecutionStartedEventAttributes()
          ? e.getWorkflowExecutionStartedEventAttributes().getSearchAttributes().getIndexedFieldsMap()
          : e.hasUpsertWorkflowSearchAttributesEventAttributes()
              ? e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes()
                  .getIndexedFieldsMap()
              : null;
      if (fields != null && fields.containsKey(key.getName())) {
        values.add(decode(fields.get(key.getName()), key));
      }
    }
    return values;
  }

  /** The summary of every activity the workflow scheduled, in order ("" when it has none). */
  public static List<String> activitySummaries(WorkflowClient client, String workflowId) {
    return summaries(client, workflowId, true);
  }

  /** The summary of every timer the workflow started, in order ("" when it has none). */
  public static List<String> timerSummaries(WorkflowClient client, String workflowId) {
    return summaries(client, workflowId, false);
  }

  private static List<String> summaries(WorkflowClient client, String workflowId,
      boolean activities) {
    List<String> out = new ArrayList<>();
    for (HistoryEvent e : client.fetchHistory(workflowId).getEvents()) {
      if (activities ? e.hasActivityTaskScheduledEventAttributes()
          : e.hasTimerStartedEventAttributes()) {
        out.add(e.hasUserMetadata() && e.getUserMetadata().hasSummary()
            ? DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                e.getUserMetadata().getSummary(), String.class, String.class)
            : "");
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <T> T decode(Payload p, SearchAttributeKey<T> key) {
    return (T) DefaultDataConverter.STANDARD_INSTANCE.fromPayload(p, key.getValueClass(),
        key.getValueReflectType());
  }
}
