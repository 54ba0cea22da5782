package io.drorch.workflows.common;

import java.util.ArrayList;
import java.util.List;

/** Checks workflow inputs and fails with one non-retryable BAD_INPUT listing every problem. */
public final class Inputs {
  private final List<String> problems = new ArrayList<>();
  private final String what;

  private Inputs(String what) {
    this.what = what;
  }

  public static Inputs check(String what) {
    return new Inputs(what);
  }

  public Inputs require(boolean ok, String problem) {
    if (!ok) {
      problems.add(problem);
    }
    return this;
  }

  public Inputs notBlank(String value, String name) {
    return require(value != null && !value.isBlank(), name + " is missing");
  }

  public void orFail() {
    if (!problems.isEmpty()) {
      throw DrError.BAD_INPUT.failure(
          "Invalid " + what + ": " + String.join("; ", problems)
              + ". Fix dr-plan.yaml (check it with `dr plan validate`) and start again.");
    }
  }
}
