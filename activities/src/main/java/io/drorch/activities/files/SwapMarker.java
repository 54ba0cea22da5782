package io.drorch.activities.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The marker a restore writes into staging ({@value #NAME}: incident, backup id, listing hash):
 * the rename carries it into the live directory, so a swap that finds staging gone proves it was
 * done by finding its marker in the target, never infers it. It stays in the live directory
 * (and names what was restored there); it is not part of a tree's fingerprint.
 */
public final class SwapMarker {
  /** The marker's file name, at the top of the tree. */
  public static final String NAME = ".dr-recovery";

  private SwapMarker() {}

  /** The marker text of a recovery: one {@code key: value} line each. */
  public static String text(String incidentId, String backupId, String listingSha256) {
    return "incident: " + incidentId + "\nbackup: " + backupId + "\nlisting-sha256: "
        + listingSha256 + "\n";
  }

  /** Writes {@code text} as the marker of {@code dir} (replacing one a backup brought along). */
  static void write(Path dir, String text) throws IOException {
    Path file = dir.resolve(NAME);
    Files.deleteIfExists(file);
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Whether {@code dir} is a directory carrying exactly this marker. */
  static boolean carries(Path dir, String text) {
    Path file = dir.resolve(NAME);
    try {
      return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          && Files.size(file) < 4096
          && Files.readString(file, StandardCharsets.UTF_8).equals(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether a fingerprint line is the marker's (left out of fingerprints). */
  static boolean isMarkerLine(String fingerprintLine) {
    return fingerprintLine.startsWith(NAME + " ");
  }
}
