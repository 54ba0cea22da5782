package io.drorch.activities.files;

import io.drorch.activities.storage.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The fingerprint of a directory tree, what an approval of a file swap names: SHA-256 (lowercase
 * hex) over one line per entry below the root, sorted, each ending in {@code \n}:
 *
 * <pre>
 *   PATH SIZE SHA256 MODE     a regular file (MODE: permission bits, 4 octal digits, e.g. 0644)
 *   PATH/ - - MODE            a directory
 *   PATH -> TARGET            a symbolic link (not followed)
 * </pre>
 *
 * PATH is relative to the root with {@code /} separators; a backslash is written {@code \\} and a
 * line break {@code \n}. {@link TreeVerifier} computes it while it checks a restored tree, and
 * {@link #of} recomputes it from disk (e.g. right before the swap). The lines are held in memory
 * (about 100 bytes per entry) to be sorted. The top-level {@link SwapMarker} file is left out: it
 * is written after verification and names the recovery, not the data.
 */
public final class TreeFingerprint {
  private TreeFingerprint() {}

  /** Reads every entry below {@code root} (files are hashed) and returns the fingerprint. */
  public static String of(Path root) throws IOException {
    Path real = root.toRealPath();
    List<String> lines = new ArrayList<>();
    Files.walkFileTree(real, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
          throws IOException {
        if (!dir.equals(real)) {
          lines.add(directory(rel(real, dir), posix(dir)));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String rel = rel(real, file);
        if (attrs.isSymbolicLink()) {
          lines.add(symlink(rel, Files.readSymbolicLink(file).toString()));
        } else if (attrs.isRegularFile()) {
          lines.add(file(rel, attrs.size(), sha256(file), posix(file)));
        } else {
          lines.add(rel + " ? ? ?"); // a device or fifo: never in a verified tree
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return digest(lines);
  }

  /** The fingerprint of these lines (sorted here; the top-level {@link SwapMarker} left out). */
  public static String digest(List<String> lines) {
    List<String> sorted = new ArrayList<>(lines);
    sorted.removeIf(SwapMarker::isMarkerLine);
    Collections.sort(sorted);
    MessageDigest d = Sha256.newDigest();
    for (String line : sorted) {
      d.update(line.getBytes(StandardCharsets.UTF_8));
      d.update((byte) '\n');
    }
    return Sha256.hex(d);
  }

  static String file(String path, long size, String sha256, int mode) {
    return escape(path) + " " + size + " " + sha256.toLowerCase(java.util.Locale.ROOT) + " "
        + String.format("%04o", mode);
  }

  static String directory(String path, int mode) {
    return escape(path) + "/ - - " + String.format("%04o", mode);
  }

  static String symlink(String path, String target) {
    return escape(path) + " -> " + escape(target);
  }

  /** Permission bits (rwx for user, group, others) of {@code attrs}. */
  static int mode(PosixFileAttributes attrs) {
    return mode(attrs.permissions());
  }

  static int mode(Set<PosixFilePermission> permissions) {
    int bits = 0;
    for (PosixFilePermission perm : permissions) {
      bits |= 0400 >> perm.ordinal();
    }
    return bits;
  }

  private static int posix(Path p) throws IOException {
    return mode(Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest d = Sha256.newDigest();
    byte[] buf = new byte[128 * 1024];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
    }
    return Sha256.hex(d);
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
