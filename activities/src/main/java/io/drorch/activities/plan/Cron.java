package io.drorch.activities.plan;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A 5-field cron expression ({@code minute hour day-of-month month day-of-week}), as Temporal
 * Schedules take it. Validates the fields and works out the longest gap between two runs, which
 * the loader compares with the RPO.
 */
public final class Cron {
  private static final String[] FIELD_NAMES = {"minute", "hour", "day-of-month", "month", "day-of-week"};
  private static final int[] MIN = {0, 0, 1, 1, 0};
  private static final int[] MAX = {59, 23, 31, 12, 7};
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");
  /** How far {@link #maxInterval()} looks ahead: two months covers monthly schedules. */
  private static final int HORIZON_MINUTES = 62 * 24 * 60;

  private final String expression;
  private final BitSet[] fields = new BitSet[5];
  private final boolean domRestricted;
  private final boolean dowRestricted;

  private Cron(String expression) {
    this.expression = expression;
    String e = expression.trim();
    String expanded = MACROS.getOrDefault(e.toLowerCase(Locale.ROOT), e);
    if (e.startsWith("@") && !MACROS.containsKey(e.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "unknown cron macro; use 5 fields (minute hour day-of-month month day-of-week) or one of "
              + String.join(", ", MACROS.keySet().stream().sorted().toList()));
    }
    String[] parts = expanded.split("\\s+");
    if (parts.length != 5) {
      throw new IllegalArgumentException(
          "a cron expression needs 5 fields (minute hour day-of-month month day-of-week), e.g. "
              + "\"0 2 * * *\" for daily at 02:00; this one has " + parts.length);
    }
    for (int i = 0; i < 5; i++) {
      fields[i] = parseField(i, parts[i]);
    }
    if (fields[4].get(7)) { // 7 is Sunday too
      fields[4].set(0);
      fields[4].clear(7);
    }
    domRestricted = !parts[2].equals("*") && !parts[2].equals("?");
    dowRestricted = !parts[4].equals("*") && !parts[4].equals("?");
  }

  /**
   * Parses and validates.
   *
   * @throws IllegalArgumentException with a message fit for a {@link PlanProblem}
   */
  public static Cron parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("is empty; give a cron expression such as \"0 2 * * *\"");
    }
    return new Cron(expression);
  }

  public String expression() {
    return expression;
  }

  /**
   * The longest time between two consecutive runs over a two-month window, or empty when it runs
   * at most once in that window (monthly on the 31st, yearly).
   */
  public Optional<Duration> maxInterval() {
    return INTERVALS.computeIfAbsent(expression, e -> computeMaxInterval());
  }

  /** maxInterval by expression: the worker loads its plan at every workflow's start. */
  private static final Map<String, Optional<Duration>> INTERVALS =
      java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<Duration>> eldest) {
          return size() > 64;
        }
      });

  private Optional<Duration> computeMaxInterval() {
    LocalDateTime start = LocalDateTime.of(2026, 1, 1, 0, 0);
    long first = -1;
    long previous = -1;
    long longest = 0;
    for (int minute = 0; minute < HORIZON_MINUTES; minute++) {
      if (matches(start.plusMinutes(minute))) {
        if (first < 0) {
          first = minute;
        } else {
          longest = Math.max(longest, minute - previous);
        }
        previous = minute;
      }
    }
    if (first < 0 || first == previous) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMinutes(longest));
  }

  /** "daily at 02:00" for simple daily expressions, otherwise null. */
  public String describe() {
    String[] p = MACROS.getOrDefault(expression.trim().toLowerCase(Locale.ROOT), expression.trim())
        .split("\\s+");
    if (p[0].matches("\\d+") && p[1].matches("\\d+") && p[2].equals("*") && p[3].equals("*")) {
      String time = String.format("%02d:%02d", Integer.parseInt(p[1]), Integer.parseInt(p[0]));
      if (p[4].equals("*")) {
        return "daily at " + time;
      }
    }
    if (p[0].matches("\\d+") && p[1].equals("*") && p[2].equals("*") && p[3].equals("*")
        && p[4].equals("*")) {
      return "hourly at minute " + Integer.parseInt(p[0]);
    }
    return null;
  }

  boolean matches(LocalDateTime t) {
    if (!fields[0].get(t.getMinute()) || !fields[1].get(t.getHour())
        || !fields[3].get(t.getMonthValue())) {
      return false;
    }
    boolean dom = fields[2].get(t.getDayOfMonth());
    boolean dow = fields[4].get(t.getDayOfWeek().getValue() % 7);
    if (domRestricted && dowRestricted) {
      return dom || dow; // classic cron: either day field may match
    }
    return dom && dow;
  }

  private static BitSet parseField(int index, String text) {
    BitSet bits = new BitSet();
    String name = FIELD_NAMES[index];
    for (String part : text.split(",", -1)) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException(name + " field has an empty list entry");
      }
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        String stepText = part.substring(slash + 1);
        if (!stepText.matches("\\d{1,2}") || Integer.parseInt(stepText) == 0) {
          throw new IllegalArgumentException(
              name + " field step \"" + stepText + "\" must be a whole number above 0");
        }
        step = Integer.parseInt(stepText);
      }
      int lo;
      int hi;
      if (range.equals("*") || (range.equals("?") && (index == 2 || index == 4))) {
        lo = MIN[index];
        hi = index == 4 ? 6 : MAX[index];
      } else {
        int dash = range.indexOf('-', 1);
        if (dash > 0) {
          lo = value(index, range.substring(0, dash));
          hi = value(index, range.substring(dash + 1));
          if (lo > hi) {
            throw new IllegalArgumentException(
                name + " field range " + range + " runs backwards");
          }
        } else {
          lo = value(index, range);
          hi = slash >= 0 ? MAX[index] : lo;
        }
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int value(int index, String text) {
    String upper = text.toUpperCase(Locale.ROOT);
    if (index == 3 && MONTHS.contains(upper)) {
      return MONTHS.indexOf(upper) + 1;
    }
    if (index == 4 && DAYS.contains(upper)) {
      return DAYS.indexOf(upper);
    }
    if (!text.matches("\\d{1,2}")) {
      throw new IllegalArgumentException(
          FIELD_NAMES[index] + " field has \"" + text + "\", which is not a number"
              + (index == 3 ? " or month name (JAN-DEC)" : index == 4 ? " or day name (SUN-SAT)" : ""));
    }
    int v = Integer.parseInt(text);
    if (v < MIN[index] || v > MAX[index]) {
      throw new IllegalArgumentException(
          FIELD_NAMES[index] + " " + v + " is out of range " + MIN[index] + "-" + MAX[index]);
    }
    return v;
  }
}
