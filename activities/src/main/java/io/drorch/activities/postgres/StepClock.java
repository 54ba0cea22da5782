package io.drorch.activities.postgres;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall time of an activity's steps, in the order they ran, for its result (and {@code dr bench}). */
final class StepClock {
  private final Map<String, Long> millis = new LinkedHashMap<>();
  private long last = System.nanoTime();

  /** Ends the step {@code name} now (its time is added when the name repeats). */
  synchronized void lap(String name) {
    long now = System.nanoTime();
    millis.merge(name, (now - last) / 1_000_000, Long::sum);
    last = now;
  }

  /** Records a step timed elsewhere (e.g. one that ran on another thread, overlapped). */
  synchronized void put(String name, long ms) {
    millis.put(name, ms);
  }

  synchronized Map<String, Long> millis() {
    return new LinkedHashMap<>(millis);
  }
}
