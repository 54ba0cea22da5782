package io.drorch.worker;

import io.drorch.workflows.common.SearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The custom search attributes ({@link SearchAttributes}) on a namespace: checking them (the
 * worker, at start) and adding the missing ones ({@code dr temporal setup}). Without them every
 * workflow task that sets one fails, so the workflows would not move.
 */
public final class SearchAttributeSetup {
  private static final long DEADLINE_SECONDS = 15;

  private SearchAttributeSetup() {}

  /** What {@link #ensure} did: names added, names that were already there. */
  public record Result(List<String> added, List<String> alreadyThere) {}

  /**
   * The namespace's custom search attributes. Throws {@link StatusRuntimeException}: UNIMPLEMENTED
   * on the Java test server, PERMISSION_DENIED when we may not look.
   */
  public static Map<String, IndexedValueType> list(WorkflowServiceStubs service, String namespace) {
    return withOperator(service, ops -> ops.blockingStub()
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
        .getCustomAttributesMap());
  }

  /** What is wrong with {@code registered}: one line per missing attribute or wrong type. */
  public static List<String> problems(Map<String, IndexedValueType> registered) {
    List<String> out = new ArrayList<>();
    SearchAttributes.definitions().forEach((name, type) -> {
      IndexedValueType have = registered.get(name);
      if (have == null) {
        out.add(name + " (" + SearchAttributes.cliType(type) + ") is missing");
      } else if (have != type) {
        out.add(name + " is " + SearchAttributes.cliType(have) + ", not "
            + SearchAttributes.cliType(type));
      }
    });
    return out;
  }

  /**
   * Adds the missing attributes; idempotent. Where listing is not implemented (the Java test
   * server) each one is added and "already exists" counts as there. An attribute registered with
   * another type is an {@link IllegalStateException} (a type cannot be changed in place).
   */
  public static Result ensure(WorkflowServiceStubs service, String namespace) {
    Map<String, IndexedValueType> have;
    boolean listed = true;
    try {
      have = list(service, namespace);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      have = Map.of();
      listed = false;
    }
    List<String> added = new ArrayList<>();
    List<String> there = new ArrayList<>();
    List<String> conflicts = new ArrayList<>();
    for (var e : SearchAttributes.definitions().entrySet()) {
      IndexedValueType type = have.get(e.getKey());
      if (type == null) {
        if (add(service, namespace, e.getKey(), e.getValue())) {
          added.add(e.getKey());
        } else {
          there.add(e.getKey());
        }
      } else if (type == e.getValue()) {
        there.add(e.getKey());
      } else {
        conflicts.add(e.getKey() + " is " + SearchAttributes.cliType(type) + ", not "
            + SearchAttributes.cliType(e.getValue()));
      }
    }
    if (!conflicts.isEmpty()) {
      throw new IllegalStateException("namespace " + namespace + " has search attributes of the"
          + " wrong type: " + String.join("; ", conflicts) + ". A type cannot be changed: remove"
          + " them (temporal operator search-attribute remove) and run `dr temporal setup` again.");
    }
    if (listed && !added.isEmpty()) {
      List<String> still = problems(list(service, namespace));
      if (!still.isEmpty()) {
        throw new IllegalStateException("added, but the server still reports: " + still);
      }
    }
    return new Result(List.copyOf(added), List.copyOf(there));
  }

  /** True when added, false when it already existed. */
  private static boolean add(WorkflowServiceStubs service, String namespace, String name,
      IndexedValueType type) {
    try {
      withOperator(service, ops -> ops.blockingStub()
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .addSearchAttributes(AddSearchAttributesRequest.newBuilder()
              .setNamespace(namespace).putSearchAttributes(name, type).build()));
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
        return false;
      }
      throw e;
    }
  }

  private static <T> T withOperator(WorkflowServiceStubs service,
      Function<OperatorServiceStubs, T> call) {
    // shares the workflow service's channel (TLS, headers): shutting these stubs down keeps it open
    OperatorServiceStubs ops = OperatorServiceStubs.newServiceStubs(OperatorServiceStubsOptions
        .newBuilder().setChannel(service.getRawChannel()).validateAndBuildWithDefaults());
    try {
      return call.apply(ops);
    } finally {
      ops.shutdown();
    }
  }
}
