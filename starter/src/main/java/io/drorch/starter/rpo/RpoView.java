package io.drorch.starter.rpo;

import io.drorch.workflows.contracts.values.RpoAge;
import io.drorch.workflows.contracts.values.RpoBreach;
import io.drorch.workflows.contracts.values.RpoWatchState;
import io.drorch.workflows.rpo.RpoEscalation;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/** What {@code dr rpo} and {@code dr status --rpo} print from the watch's stored state. */
public final class RpoView {
  private RpoView() {}

  /** Prints the last measurement and the open breaches; true when something is in breach. */
  public static boolean print(RpoWatchState s, Instant now, PrintStream out) {
    if (s.last() == null) {
      out.println("RPO watch: no measurement yet (set schedules.rpo-watch, run `dr schedules"
          + " apply`, or `dr rpo --now`)");
      return false;
    }
    out.printf("RPO watch, measured %s (%s ago)%n", s.last().at(),
        RpoEscalation.human(Duration.between(s.last().at(), now)));
    out.printf("  %-9s %-12s %-12s %-7s %s%n", "KIND", "AGE", "RPO", "STATE", "NEWEST");
    boolean breach = false;
    for (RpoAge a : s.last().ages()) {
      breach |= a.breached();
      out.printf("  %-9s %-12s %-12s %-7s %s%s%n", a.kind(),
          a.ageSeconds() == null ? "none" : RpoEscalation.human(Duration.ofSeconds(a.ageSeconds())),
          RpoEscalation.human(Duration.ofSeconds(a.limitSeconds())),
          a.breached() ? "BREACH" : "ok", a.newest() == null ? "-" : a.newest(),
          a.detail() == null ? "" : "  (" + a.detail() + ")");
    }
    for (RpoBreach b : s.open()) {
      out.printf("breach: %s since %s (%s), level %d told%n", b.kind(), b.since(),
          RpoEscalation.human(Duration.between(b.since(), now)), b.level());
    }
    return breach;
  }
}
