package io.drorch.starter.cli;

import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;

/** One line that says what went wrong, from the innermost failure that explains it. */
final class Errors {
  private Errors() {}

  static String describe(Throwable e) {
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof io.temporal.payload.codec.PayloadCodecException) {
        return "cannot read a payload: " + c.getMessage(); // e.g. encrypted with a key we lack
      }
    }
    if (io.drorch.activities.storage.StorageErrors.unreachable(e)) {
      return "S3 is unreachable: " + e.getMessage() + ". Check storage.endpoint in the plan and"
          + " the network.";
    }
    if (e instanceof WorkflowFailedException wfe) {
      Throwable c = wfe.getCause();
      while (c instanceof TemporalFailure && c.getCause() != null
          && !(c instanceof ApplicationFailure)) {
        c = c.getCause();
      }
      if (c instanceof ApplicationFailure af) {
        return af.getOriginalMessage() + " [" + af.getType() + "] (workflow "
            + wfe.getExecution().getWorkflowId() + ")";
      }
      return c == null ? wfe.getMessage() : c.getMessage();
    }
    if (e instanceof ApplicationFailure af) {
      return af.getOriginalMessage() + " [" + af.getType() + "]";
    }
    if (e instanceof io.temporal.client.WorkflowServiceException wse && wse.getCause() != null) {
      // its own message names only the workflow; the reason is the gRPC status of its cause
      return "Temporal refused the call for workflow " + wse.getExecution().getWorkflowId() + ": "
          + wse.getCause().getMessage();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** The ApplicationFailure that explains {@code e} (itself or a workflow's cause), or null. */
  static ApplicationFailure applicationFailure(Throwable e) {
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof ApplicationFailure af) {
        return af;
      }
    }
    return null;
  }

  /** The innermost cause's own message (e.g. an Update validator's reason). */
  static String innermost(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c instanceof ApplicationFailure af ? af.getOriginalMessage() : c.getMessage();
  }
}
