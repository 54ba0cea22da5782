package io.drorch.workflows.common;

import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;

/** What a failed activity or child workflow says: its cause's message and type, in one place. */
public final class Failures {
  private Failures() {}

  /** The cause's own message (an ApplicationFailure's original message), else the failure's. */
  public static String reason(TemporalFailure e) {
    Throwable c = e.getCause();
    if (c instanceof ApplicationFailure af) {
      return af.getOriginalMessage();
    }
    return c == null ? e.getMessage() : c.getMessage();
  }

  /** The {@link DrError} name (or other type) of the cause, "" when it has none. */
  public static String type(TemporalFailure e) {
    return e.getCause() instanceof ApplicationFailure af ? af.getType() : "";
  }
}
