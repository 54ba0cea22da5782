package io.drorch.activities.files;

import io.drorch.activities.storage.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Checks an extracted tree against its backup's listing, reading back from disk: every listed
 * directory exists, every file exists with its size, SHA-256 and permission bits, every symlink
 * with its target; nothing is on disk that the listing does not name ({@code skipped} lines are
 * ignored). Memory is bounded except when extra entries must be named (then the listing's paths
 * are held once).
 */
public final class TreeVerifier {
  /** How many problems are named in the result; all are counted. */
  public static final int MAX_PROBLEMS = 10;
  private static final int BUFFER = 128 * 1024;

  /**
   * @param entries listing entries checked (files, dirs, symlinks)
   * @param files regular files checked
   * @param bytes their total size
   * @param problemCount all problems found; {@code problems} names the first {@link #MAX_PROBLEMS}
   * @param fingerprint the tree's {@link TreeFingerprint}, as read back while checking (meaningful
   *     when the tree is ok: then it is the listing's tree)
   */
  public record Result(
      long entries, long files, long bytes, long problemCount, List<String> problems,
      String fingerprint) {
    public boolean ok() {
      return problemCount == 0;
    }
  }

  private final Path root;
  private final LongConsumer progress;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
  private final List<String> problems = new ArrayList<>();
  private final List<String> lines = new ArrayList<>();
  private long problemCount;
  private long entries;
  private long present;
  private long files;
  private long bytes;
  private Path lastCheckedParent;

  private TreeVerifier(Path root, LongConsumer progress) {
    this.root = root;
    this.progress = progress == null ? b -> {} : progress;
  }

  /**
   * @param root the extracted tree
   * @param listing the listing file (JSON Lines, see {@link ListingEntry})
   * @param progress called with the bytes hashed so far
   */
  public static Result verify(Path root, Path listing, LongConsumer progress) throws IOException {
    TreeVerifier v = new TreeVerifier(root.toRealPath(), progress);
    try (InputStream in = Files.newInputStream(listing);
        ListingEntry.Reader reader = new ListingEntry.Reader(in)) {
      while (reader.hasNext()) {
        v.check(reader.next());
      }
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    // every listed path found on disk was counted once (listing paths are unique), so any
    // surplus on disk is something the listing does not name
    long onDisk = v.countOnDisk();
    if (onDisk > v.present) {
      v.nameExtras(listing, onDisk - v.present);
    }
    return new Result(v.entries, v.files, v.bytes, v.problemCount, List.copyOf(v.problems),
        TreeFingerprint.digest(v.lines));
  }

  private void check(ListingEntry e) throws IOException {
    if (e.type() == ListingEntry.Type.SKIPPED) {
      return;
    }
    entries++;
    String path = e.path();
    if (path.startsWith("/") || ("/" + path + "/").contains("/../") || path.indexOf('\0') >= 0) {
      problem(path + ": the listing names an unsafe path");
      return;
    }
    Path p = root.resolve(path);
    if (!parentInside(p)) {
      problem(path + ": its parent is not a directory inside the restored tree");
      return;
    }
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException ex) {
      problem(path + ": missing (" + e.type().name().toLowerCase(Locale.ROOT) + " in the listing)");
      return;
    }
    present++;
    switch (e.type()) {
      case DIR -> {
        if (!a.isDirectory()) {
          problem(path + ": not a directory");
        } else {
          checkMode(path, e, a);
          lines.add(TreeFingerprint.directory(path, TreeFingerprint.mode(a)));
        }
      }
      case SYMLINK -> {
        if (!a.isSymbolicLink()) {
          problem(path + ": not a symbolic link");
        } else {
          String target = Files.readSymbolicLink(p).toString();
          lines.add(TreeFingerprint.symlink(path, target));
          if (!target.equals(e.target())) {
            problem(path + ": links to '" + target + "', the listing says '" + e.target() + "'");
          }
        }
      }
      case FILE -> {
        if (!a.isRegularFile()) {
          problem(path + ": not a regular file");
          return;
        }
        files++;
        long expected = e.size() == null ? -1 : e.size();
        if (a.size() != expected) {
          problem(path + ": " + a.size() + " bytes, the listing says " + expected);
          bytes += a.size();
          return;
        }
        String sha = hash(p);
        if (!sha.equalsIgnoreCase(String.valueOf(e.sha256()))) {
          problem(path + ": SHA-256 " + sha + ", the listing says " + e.sha256());
        }
        checkMode(path, e, a);
        lines.add(TreeFingerprint.file(path, a.size(), sha, TreeFingerprint.mode(a)));
      }
      default -> problem(path + ": unknown listing type " + e.type());
    }
  }

  /** The parent's real path is the lexical one (no links on the way) and inside the root. */
  private boolean parentInside(Path p) throws IOException {
    Path parent = p.getParent();
    if (parent.equals(lastCheckedParent)) {
      return true;
    }
    try {
      if (!parent.toRealPath().equals(parent) || !parent.startsWith(root)) {
        return false;
      }
    } catch (NoSuchFileException ex) {
      return false;
    }
    lastCheckedParent = parent;
    return true;
  }

  private void checkMode(String path, ListingEntry e, PosixFileAttributes a) {
    if (e.mode() == null) {
      return;
    }
    int expected = e.modeBits() & 0777;
    int actual = TreeFingerprint.mode(a);
    if (actual != expected) {
      problem(path + ": mode " + Integer.toOctalString(actual) + ", the listing says "
          + Integer.toOctalString(expected));
    }
  }

  private String hash(Path p) throws IOException {
    MessageDigest d = Sha256.newDigest();
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      while (true) {
        buffer.clear();
        int n = ch.read(buffer);
        if (n < 0) {
          break;
        }
        buffer.flip();
        d.update(buffer);
        bytes += n;
        progress.accept(bytes);
      }
    }
    return Sha256.hex(d);
  }

  private long countOnDisk() throws IOException {
    long[] count = {0};
    walk((rel, attrs) -> count[0]++);
    return count[0];
  }

  private void nameExtras(Path listing, long extras) throws IOException {
    Set<String> listed = new HashSet<>();
    try (InputStream in = Files.newInputStream(listing);
        ListingEntry.Reader reader = new ListingEntry.Reader(in)) {
      reader.forEachRemaining(e -> {
        if (e.type() != ListingEntry.Type.SKIPPED) {
          listed.add(e.path());
        }
      });
    }
    List<String> named = new ArrayList<>();
    walk((rel, attrs) -> {
      if (!listed.contains(rel) && named.size() < MAX_PROBLEMS) {
        named.add(rel);
      }
    });
    for (String rel : named) {
      problem(rel + ": on disk but not in the listing");
    }
    problemCount += Math.max(0, extras - named.size());
  }

  private interface Visitor {
    void visit(String rel, BasicFileAttributes attrs);
  }

  /** Every entry below the root, links not followed, with its '/'-separated relative path. */
  private void walk(Visitor v) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (!dir.equals(root)) {
          v.visit(rel(dir), attrs);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        v.visit(rel(file), attrs);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private String rel(Path p) {
    return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
  }

  private void problem(String message) {
    problemCount++;
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(message);
    }
  }
}
