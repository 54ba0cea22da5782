package io.drorch.workflows.restoretest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Scratch targets for restore tests and drills: a database and a directory that can never be the
 * live ones. Names are derived here — {@code <db>_drill_<id>} and {@code <uploads>.drill-<id>} —
 * and every use is checked here first:
 *
 * <ul>
 *   <li>a scratch database is refused when it is the live database (or a maintenance or template
 *       database), or not a scratch name at all;
 *   <li>a scratch directory is refused when it is the live directory, a path around it (a prefix
 *       path: {@code /app} of {@code /app/uploads}) or inside it, or not a scratch name;
 *   <li>an EXISTING database or directory of that name is refused unless it carries our scratch mark
 *       (a database comment starting with {@link #DATABASE_MARK}; a marker file {@link
 *       #directoryMarker} beside the directory, written before the directory is created). So a real
 *       database that happens to have the scratch name is never dropped or restored over.
 * </ul>
 *
 * Pure and deterministic: workflows derive names with it, activities check with it before they
 * touch anything (and check existence themselves).
 */
public final class ScratchTargets {
  public static final String DATABASE_INFIX = "_drill_";
  public static final String DIRECTORY_INFIX = ".drill-";
  /** The comment a scratch database carries from the moment it is created. */
  public static final String DATABASE_MARK = "dr-orchestrator scratch database: ";
  /** The marker file beside a scratch directory: {@code <scratch>.dr-scratch}. */
  public static final String DIRECTORY_MARKER_SUFFIX = ".dr-scratch";
  static final int MAX_DATABASE_NAME = 63;
  private static final Pattern DB_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final List<String> RESERVED = List.of("postgres", "template0", "template1");

  private ScratchTargets() {}

  /**
   * {@code <live>_drill_<id>}: lowercase letters, digits and underscores, at most 63 bytes (a long
   * live name is shortened; the id is always kept whole, up to 40 characters).
   */
  public static String databaseName(String live, String id) {
    String tail = DATABASE_INFIX + sanitizeForDatabase(id);
    if (tail.length() > 47) {
      tail = tail.substring(0, 47);
    }
    String head = sanitizeForDatabase(live);
    if (head.isEmpty() || !Character.isLetter(head.charAt(0)) && head.charAt(0) != '_') {
      head = "db" + head;
    }
    int room = MAX_DATABASE_NAME - tail.length();
    return (head.length() > room ? head.substring(0, room) : head) + tail;
  }

  /** {@code <uploads>.drill-<id>}, beside the live directory (same file system). */
  public static String directory(String liveDir, String id) {
    String live = stripTrailingSlashes(liveDir);
    return live + DIRECTORY_INFIX + id.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** The marker file of a scratch directory. */
  public static String directoryMarker(String scratchDir) {
    return stripTrailingSlashes(scratchDir) + DIRECTORY_MARKER_SUFFIX;
  }

  /** The comment of a scratch database made for {@code testId}. */
  public static String databaseMark(String testId) {
    return DATABASE_MARK + testId;
  }

  /** Null when {@code scratch} may serve as a scratch database beside {@code live}; else why not. */
  public static String databaseRefusal(String live, String scratch) {
    if (scratch == null || scratch.isBlank()) {
      return "no scratch database name";
    }
    if (live != null && (scratch.equals(live) || scratch.equalsIgnoreCase(live))) {
      return "scratch database '" + scratch + "' is the live database";
    }
    if (RESERVED.contains(scratch.toLowerCase(Locale.ROOT))) {
      return "scratch database '" + scratch + "' is a maintenance or template database";
    }
    if (!DB_NAME.matcher(scratch).matches()
        || scratch.getBytes(StandardCharsets.UTF_8).length > MAX_DATABASE_NAME) {
      return "scratch database '" + scratch + "' is not a plain lowercase name of at most 63 bytes";
    }
    if (!scratch.contains(DATABASE_INFIX)) {
      return "'" + scratch + "' is not a scratch database name (" + DATABASE_INFIX + "<id>;"
          + " derive it with ScratchTargets.databaseName)";
    }
    return null;
  }

  /**
   * Null when {@code scratch} may serve as a scratch directory for the live directory; else why
   * not. Both must be absolute and normalized (no {@code .} or {@code ..}).
   */
  public static String directoryRefusal(String liveDir, String scratch) {
    if (scratch == null || scratch.isBlank()) {
      return "no scratch directory";
    }
    if (!isAbsoluteNormalized(scratch)) {
      return "scratch directory '" + scratch + "' must be an absolute, normalized path";
    }
    if (liveDir == null || !isAbsoluteNormalized(liveDir)) {
      return "the live directory '" + liveDir + "' must be an absolute, normalized path";
    }
    List<String> s = segments(scratch);
    List<String> l = segments(liveDir);
    if (s.equals(l)) {
      return "scratch directory " + scratch + " is the live directory";
    }
    if (s.size() < l.size() && l.subList(0, s.size()).equals(s)) {
      return "scratch directory " + scratch + " holds the live directory " + liveDir;
    }
    if (s.size() > l.size() && s.subList(0, l.size()).equals(l)) {
      return "scratch directory " + scratch + " is inside the live directory " + liveDir;
    }
    if (!s.get(s.size() - 1).contains(DIRECTORY_INFIX)) {
      return "'" + scratch + "' is not a scratch directory name (<uploads>" + DIRECTORY_INFIX
          + "<id>; derive it with ScratchTargets.directory)";
    }
    return null;
  }

  /**
   * Null when an existing database of the scratch name may be dropped and restored over (it
   * carries our mark), or when none exists; else why not.
   */
  public static String existingDatabaseRefusal(String scratch, boolean exists, String comment) {
    if (!exists || (comment != null && comment.startsWith(DATABASE_MARK))) {
      return null;
    }
    return "a database named '" + scratch + "' exists and is not a scratch database of the DR"
        + " Orchestrator (its comment is " + (comment == null ? "empty" : "'" + comment + "'")
        + "); it is left alone. Drop or rename it by hand if it is a leftover, or use another id";
  }

  /** Null when an existing scratch directory carries our marker, or none exists; else why not. */
  public static String existingDirectoryRefusal(String scratch, boolean exists, boolean marked) {
    if (!exists || marked) {
      return null;
    }
    return "a directory " + scratch + " exists without the marker " + directoryMarker(scratch)
        + ": it is not a scratch directory of the DR Orchestrator and is left alone. Remove it by"
        + " hand if it is a leftover, or use another id";
  }

  private static String sanitizeForDatabase(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  private static boolean isAbsoluteNormalized(String p) {
    if (!p.startsWith("/")) {
      return false;
    }
    String s = stripTrailingSlashes(p);
    if (s.isEmpty()) {
      return true; // the root: refused later as a path around every live directory
    }
    for (String seg : s.substring(1).split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static List<String> segments(String p) {
    String s = stripTrailingSlashes(p);
    return s.isEmpty() ? List.of() : List.of(s.substring(1).split("/"));
  }

  private static String stripTrailingSlashes(String p) {
    String s = p;
    while (s.length() > 1 && s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.equals("/") ? "" : s;
  }
}
