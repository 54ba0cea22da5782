package io.drorch.activities;

import io.drorch.activities.storage.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A directory tree as the file tests compare it (stricter than DataFingerprint: with mtimes). */
public final class TreeSnapshot {
  private TreeSnapshot() {}

  /** Every entry under root: type, permissions, mtime (s), size + SHA-256 or link target. */
  public static Map<String, String> of(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.equals(root)) {
          continue;
        }
        String rel = root.relativize(p).toString();
        if (rel.equals(io.drorch.activities.files.SwapMarker.NAME)) {
          continue; // a recovery's marker (checked where it matters) is not data
        }
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "symlink -> " + Files.readSymbolicLink(p));
          continue;
        }
        String mode = PosixFilePermissions.toString(
            Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        long mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant()
            .getEpochSecond();
        out.put(rel, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir " + mode + " " + mtime
            : "file " + mode + " " + mtime + " " + Files.size(p) + " "
                + Sha256.hex(Files.readAllBytes(p)));
      }
    }
    return out;
  }
}
