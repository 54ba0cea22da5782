package io.drorch.workflows.recovery;

import io.drorch.workflows.contracts.values.Outcome;

/** A child recovery stops early: skipped, aborted or failed, with the reason for the report. */
final class PartStopped extends RuntimeException {
  final Outcome outcome;

  PartStopped(Outcome outcome, String reason) {
    super(reason, null, false, false);
    this.outcome = outcome;
  }
}
