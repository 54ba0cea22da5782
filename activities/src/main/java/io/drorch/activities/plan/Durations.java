package io.drorch.activities.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plan's durations: {@code 90s}, {@code 30m}, {@code 4h}, {@code 1d}, sums like {@code 1h30m},
 * and milliseconds ({@code 250ms}, {@code 1s500ms}) for the short intervals of tests and drills.
 */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("(\\d{1,6}(ms|[dhms]))+");
  private static final Pattern PART = Pattern.compile("(\\d{1,6})(ms|[dhms])");
  static final String FORMAT_HINT = "use a number and a unit (s, m, h, d), e.g. 90s, 30m, 4h, 1d or 1h30m (ms for milliseconds)";

  private Durations() {}

  /**
   * Parses a plan duration.
   *
   * @throws IllegalArgumentException with a message fit for a {@link PlanProblem}
   */
  public static Duration parse(String text) {
    String s = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
    if (s.startsWith("-")) {
      throw new IllegalArgumentException("must be positive; " + FORMAT_HINT);
    }
    if (!WHOLE.matcher(s).matches()) {
      throw new IllegalArgumentException("is not a duration: " + FORMAT_HINT);
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(s);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "d" -> Duration.ofDays(n);
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        case "ms" -> Duration.ofMillis(n);
        default -> Duration.ofSeconds(n);
      });
    }
    if (total.isZero()) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    return total;
  }

  /**
   * The shortest plan spelling that {@link #parse} reads back as the same duration: {@code 1h30m},
   * {@code 1d}, {@code 90s} as {@code 1m30s}, {@code 1.5s} as {@code 1s500ms}.
   */
  public static String compact(Duration d) {
    if (d.getNano() % 1_000_000 != 0 || d.isNegative()) {
      throw new IllegalArgumentException("a plan duration is positive whole milliseconds: " + d);
    }
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long s = d.getSeconds();
    long days = s / 86_400;
    long hours = s % 86_400 / 3_600;
    long minutes = s % 3_600 / 60;
    long seconds = s % 60;
    if (days > 0) {
      sb.append(days).append('d');
    }
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (minutes > 0) {
      sb.append(minutes).append('m');
    }
    if (seconds > 0) {
      sb.append(seconds).append('s');
    }
    long millis = d.getNano() / 1_000_000;
    if (millis > 0) {
      sb.append(millis).append("ms");
    }
    return sb.toString();
  }

  /** For people: {@code 4 hours}, {@code 30 minutes}, {@code 1 hour 30 minutes}; 24h stays hours. */
  public static String human(Duration d) {
    long s = d.getSeconds();
    List<String> parts = new ArrayList<>();
    long hours = s / 3_600;
    if (hours > 0 && hours % 24 == 0 && hours > 48) {
      parts.add(unit(hours / 24, "day"));
    } else if (hours > 0) {
      parts.add(unit(hours, "hour"));
    }
    if (s % 3_600 / 60 > 0) {
      parts.add(unit(s % 3_600 / 60, "minute"));
    }
    if (s % 60 > 0) {
      parts.add(unit(s % 60, "second"));
    }
    long millis = d.getNano() / 1_000_000;
    if (millis > 0) {
      parts.add(unit(millis, "millisecond"));
    }
    return parts.isEmpty() ? "0 seconds" : String.join(" ", parts);
  }

  private static String unit(long n, String name) {
    return n + " " + name + (n == 1 ? "" : "s");
  }
}
