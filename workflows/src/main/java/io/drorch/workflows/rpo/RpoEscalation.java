package io.drorch.workflows.rpo;

import io.drorch.workflows.contracts.plan.EscalationLevel;
import io.drorch.workflows.contracts.values.RpoAge;
import io.drorch.workflows.contracts.values.RpoBreach;
import io.drorch.workflows.contracts.values.RpoSnapshot;
import io.drorch.workflows.contracts.values.RpoWatchState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RPO watch's decisions, without side effects (so a tick's history is the same on replay):
 * a kind that goes into breach notifies level 1; a breach that lasts escalates through the plan's
 * levels like an unanswered decision (level n+1 once levels 1..n's timeouts have passed since the
 * breach began), each level told once; a kind that comes back within its RPO notifies once, the
 * levels that were told.
 */
public final class RpoEscalation {
  public static final String BREACH = "rpo-breach";
  public static final String ESCALATED = "rpo-escalated";
  public static final String RECOVERED = "rpo-recovered";

  /** One notification to send. */
  public record Notice(String event, String kind, int level, String text) {
    /** How the tick's result lists it: {@code rpo-escalated wal level 2}. */
    public String describe() {
      return event + " " + kind + " level " + level;
    }
  }

  /** The state for the next tick and what to notify now. */
  public record Step(RpoWatchState state, List<Notice> notices) {}

  private RpoEscalation() {}

  /** Compares {@code snapshot} with the previous tick's state at workflow time {@code now}. */
  public static Step next(RpoWatchState previous, RpoSnapshot snapshot, Instant now,
      List<EscalationLevel> levels) {
    Map<String, RpoBreach> open = new LinkedHashMap<>();
    for (RpoBreach b : previous == null ? List.<RpoBreach>of() : previous.open()) {
      open.put(b.kind(), b);
    }
    List<Notice> notices = new ArrayList<>();
    List<RpoBreach> stillOpen = new ArrayList<>();
    for (RpoAge age : snapshot.ages()) {
      RpoBreach was = open.remove(age.kind());
      if (!age.breached()) {
        if (was != null) {
          for (int level = 1; level <= was.level(); level++) {
            notices.add(new Notice(RECOVERED, age.kind(), level, "RPO recovered: " + what(age)
                + " is back within its RPO after " + human(Duration.between(was.since(), now))
                + " in breach."));
          }
        }
        continue;
      }
      Instant since = was != null ? was.since() : breachStart(age, now);
      int level = levelAt(Duration.between(since, now), levels);
      int told = was == null ? 0 : was.level();
      if (level > told) {
        String event = told == 0 ? BREACH : ESCALATED;
        notices.add(new Notice(event, age.kind(), level, "RPO breach"
            + (told == 0 ? "" : " (escalated to level " + level + ", unresolved for "
                + human(Duration.between(since, now)) + ")")
            + ": " + what(age) + "."));
        told = level;
      }
      stillOpen.add(new RpoBreach(age.kind(), since, told));
    }
    // a kind no longer measured (e.g. PITR removed from the plan): its breach is closed quietly
    return new Step(new RpoWatchState(snapshot, stillOpen), notices);
  }

  /** When the data crossed its RPO: age minus limit ago (now when nothing was found). */
  static Instant breachStart(RpoAge age, Instant now) {
    if (age.ageSeconds() == null) {
      return now;
    }
    long over = Math.max(0, age.ageSeconds() - age.limitSeconds());
    return now.minusSeconds(over);
  }

  /**
   * The level a breach that has lasted {@code elapsed} has reached: 1, then the next level each
   * time the current level's timeout has passed (as an unanswered approval request); at most
   * the last level.
   */
  public static int levelAt(Duration elapsed, List<EscalationLevel> levels) {
    if (levels == null || levels.isEmpty()) {
      return 1;
    }
    Duration passed = Duration.ZERO;
    for (int i = 0; i < levels.size() - 1; i++) {
      passed = passed.plus(levels.get(i).timeout());
      if (elapsed.compareTo(passed) < 0) {
        return levels.get(i).level();
      }
    }
    return levels.get(levels.size() - 1).level();
  }

  private static String what(RpoAge age) {
    String subject = switch (age.kind()) {
      case RpoAge.WAL -> "archived WAL (point-in-time recovery)";
      case RpoAge.DATABASE -> "database backups";
      case RpoAge.FILES -> "file backups";
      default -> age.kind();
    };
    String state = age.ageSeconds() == null ? "none found"
        : "newest " + (age.newest() == null ? "" : age.newest() + " ") + "is "
            + human(Duration.ofSeconds(age.ageSeconds())) + " old";
    return subject + ": " + state + ", RPO " + human(Duration.ofSeconds(age.limitSeconds()))
        + (age.detail() == null || age.detail().isBlank() ? "" : " (" + age.detail() + ")");
  }

  /** 1h 5m 3s, 45s. */
  public static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    long days = s / 86400;
    long h = s % 86400 / 3600;
    long m = s % 3600 / 60;
    long sec = s % 60;
    StringBuilder b = new StringBuilder();
    if (days > 0) {
      b.append(days).append("d ");
    }
    if (h > 0) {
      b.append(h).append("h ");
    }
    if (m > 0) {
      b.append(m).append("m ");
    }
    if (sec > 0 || b.length() == 0) {
      b.append(sec).append("s");
    }
    return b.toString().strip();
  }
}
