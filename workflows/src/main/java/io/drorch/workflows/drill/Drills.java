package io.drorch.workflows.drill;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Drill ids and the names derived from them. */
public final class Drills {
  public static final String ID_PREFIX = "drill-";
  public static final String CLEANUP_SUFFIX = "-cleanup";
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private Drills() {}

  /** {@code drill-20261201T030000Z}. */
  public static String newId(Instant at) {
    return ID_PREFIX + ID_TIME.format(at);
  }

  /**
   * The drill id of a drill's workflow id: the id without characters other than letters, digits,
   * {@code . _ -} (a scheduled run's id is {@code drill-2026-12-01T03:00:00Z}: the drill id is
   * {@code drill-2026-12-01T030000Z}).
   */
  public static String idOf(String workflowId) {
    return workflowId.replaceAll("[^A-Za-z0-9._-]", "");
  }

  /** True for a workflow id a drill may have: {@code drill-} and letters, digits, {@code . _ -}. */
  public static boolean isDrillId(String id) {
    return id != null && id.matches("drill-[A-Za-z0-9._-]{1,50}") && !id.endsWith(CLEANUP_SUFFIX);
  }

  /** The part of the id scratch targets are named with: {@code 20261201T030000Z}. */
  public static String scratchId(String drillId) {
    return drillId.startsWith(ID_PREFIX) ? drillId.substring(ID_PREFIX.length()) : drillId;
  }

  public static String cleanupId(String drillId) {
    return drillId + CLEANUP_SUFFIX;
  }

  /** The test id of one kind's restore in a drill (names its downloads and scratch mark). */
  public static String testId(String drillId, String kind) {
    return drillId + "-" + kind;
  }
}
