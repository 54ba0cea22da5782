package io.drorch.workflows.recovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Names derived from an incident: restored databases, kept copies, staging directories. */
public final class Names {
  private Names() {}

  /** Room kept at the end of a database name for an attempt's suffix ({@code _a12345}). */
  static final int ATTEMPT_ROOM = 7;

  /**
   * e.g. ai_docs + _restore_ + INC-42 → ai_docs_restore_inc_42_1b2c3d (a valid identifier, with
   * room for the restore attempt's {@code _a<N>} within 63 bytes). The suffix is the start of the
   * SHA-256 of the exact incident id: {@code INC-42} and {@code inc_42} never share a name.
   */
  public static String database(String base, String infix, String incidentId) {
    String tail = infix + incidentId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_")
        + "_" + hash(incidentId);
    int max = 63 - ATTEMPT_ROOM;
    String head = base.length() + tail.length() > max ? base.substring(0, max - tail.length())
        : base;
    return head + tail;
  }

  /**
   * e.g. /app/uploads + .restore- + INC-42 → /app/uploads.restore-INC-42-1b2c3d (same file
   * system; the same hash as {@link #database}, so names differ on case-insensitive file systems).
   */
  public static String directory(String base, String infix, String incidentId) {
    return base.replaceAll("/+$", "") + infix + incidentId + "-" + hash(incidentId);
  }

  /** The first 6 hex digits of the SHA-256 of the incident id as given. */
  static String hash(String incidentId) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(incidentId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 3);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  public static String workflowId(String incidentId) {
    return "recovery-" + incidentId;
  }
}
