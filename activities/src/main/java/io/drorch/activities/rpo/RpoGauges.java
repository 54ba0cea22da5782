package io.drorch.activities.rpo;

import io.drorch.workflows.contracts.values.RpoAge;
import io.drorch.workflows.contracts.values.RpoSnapshot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The RPO watch's Prometheus gauges, {@code dr_rpo_age_seconds{kind}} and {@code
 * dr_rpo_limit_seconds{kind}}, on Micrometer's global registry (the worker's metrics endpoint
 * adds its Prometheus registry to it). NaN until the first measurement, and for a kind with
 * nothing found.
 */
public final class RpoGauges {
  private static final Map<String, AtomicReference<Double>> AGES = new ConcurrentHashMap<>();
  private static final Map<String, AtomicReference<Double>> LIMITS = new ConcurrentHashMap<>();

  private RpoGauges() {}

  /** Sets every measured kind's gauges. */
  public static void set(RpoSnapshot snapshot) {
    for (RpoAge a : snapshot.ages()) {
      gauge(AGES, "dr.rpo.age", "Age of the newest recoverable data of this kind (RPO watch)",
          a.kind()).set(a.ageSeconds() == null ? Double.NaN : a.ageSeconds().doubleValue());
      gauge(LIMITS, "dr.rpo.limit", "The RPO this kind is held to (RPO watch)", a.kind())
          .set((double) a.limitSeconds());
    }
  }

  /** The current value of {@code dr_rpo_age_seconds{kind}}, or null when never set. */
  public static Double age(String kind) {
    AtomicReference<Double> ref = AGES.get(kind);
    return ref == null ? null : ref.get();
  }

  private static AtomicReference<Double> gauge(Map<String, AtomicReference<Double>> values,
      String name, String description, String kind) {
    return values.computeIfAbsent(kind, k -> {
      AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
      Gauge.builder(name, ref, AtomicReference::get).tag("kind", k).baseUnit("seconds")
          .description(description).strongReference(true).register(Metrics.globalRegistry);
      return ref;
    });
  }
}
