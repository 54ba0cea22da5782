package io.drorch.activities.files;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Extracts a tar (or tar.gz) stream into a fresh staging directory and refuses, at the first such
 * entry, anything that could write or point outside it:
 *
 * <ul>
 *   <li>absolute names and names with a {@code ..} segment (our archives never have either, so
 *       every {@code ..} is refused, not only escaping ones);
 *   <li>entries below a symbolic link: each parent is checked with {@code lstat}, component by
 *       component, and the parent's real path must lie inside the staging directory before
 *       anything is written — so {@code d -> /etc} followed by {@code d/x} never writes {@code
 *       /etc/x}. Files are created with {@code CREATE_NEW} and {@code NOFOLLOW_LINKS}; an earlier
 *       file or link of the same name is unlinked first (like tar), never written through;
 *   <li>symbolic links whose target is absolute, or whose target — resolved step by step through
 *       the links already extracted — leaves the staging directory at any point. Every link is
 *       checked again once the whole archive is written, since a later entry can change what an
 *       earlier link resolves to;
 *   <li>hard links to anything but a regular file already extracted (no absolute or {@code ..}
 *       targets, no links through symlinks);
 *   <li>character and block devices, fifos, sparse and unknown entry types.
 * </ul>
 *
 * On refusal ({@link UnsafeArchiveException}) and on any other failure the staging directory is
 * deleted. Permission bits (0777; setuid, setgid and sticky are dropped) and modification times
 * of files and directories are restored, owners are not (the worker's user owns the tree).
 * Directory modes and times are applied last, deepest first.
 */
public final class SafeExtractor {
  private static final int BUFFER = 128 * 1024;
  private static final int MAX_LINK_HOPS = 40;
  private static final Set<PosixFilePermission> OWNER_RW =
      PosixFilePermissions.fromString("rw-------");

  /** What was extracted; {@code bytes} is the sum of the regular files' sizes. */
  public record Summary(
      long files, long directories, long symlinks, long hardLinks, long bytes, long entries) {}

  /** Called after every chunk written; implementations throttle (heartbeats) themselves. */
  @FunctionalInterface
  public interface Progress {
    void update(long bytesWritten, long entries);

    Progress NONE = (b, e) -> {};
  }

  /** The archive stream itself cannot be read (corrupt gzip or tar data, truncated). */
  public static final class CorruptArchiveException extends IOException {
    CorruptArchiveException(String message, IOException cause) {
      super(message, cause);
    }
  }

  private record DirAttrs(Path path, int mode, FileTime mtime) {}

  private final Path root;
  private final Progress progress;
  private final byte[] buffer = new byte[BUFFER];
  private final List<DirAttrs> dirs = new ArrayList<>();
  private final List<String> links = new ArrayList<>();
  private long files;
  private long directories;
  private long symlinks;
  private long hardLinks;
  private long bytes;
  private long entries;

  private SafeExtractor(Path root, Progress progress) {
    this.root = root;
    this.progress = progress == null ? Progress.NONE : progress;
  }

  /** Extracts a gzip-compressed tar file (concatenated gzip members allowed) into staging. */
  public static Summary extractTarGz(Path archive, Path staging, Progress progress)
      throws IOException {
    try (InputStream file = Files.newInputStream(archive)) {
      InputStream gz;
      try {
        gz = new GZIPInputStream(new BufferedInputStream(file, BUFFER), BUFFER);
      } catch (IOException e) {
        throw new CorruptArchiveException(archive + " is not a gzip file: " + e.getMessage(), e);
      }
      return extract(gz, staging, progress);
    }
  }

  /**
   * Extracts a zstd-compressed tar file into staging, decompressed by {@code zstd -dc} (the system
   * binary, as for the database's zstd dumps).
   *
   * @throws CorruptArchiveException zstd cannot read the file, or the tar inside is unreadable
   */
  public static Summary extractTarZst(Path archive, Path zstdBinary, Path staging,
      Progress progress) throws IOException {
    Process zstd = new ProcessBuilder(zstdBinary.toString(), "-dc", "-q", archive.toString())
        .redirectError(ProcessBuilder.Redirect.PIPE).start();
    zstd.getOutputStream().close();
    java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture
        .supplyAsync(() -> {
          try (InputStream e = zstd.getErrorStream()) {
            return new String(e.readNBytes(8192), StandardCharsets.UTF_8).strip();
          } catch (IOException e) {
            return "";
          }
        });
    Summary s;
    try (InputStream tar = new BufferedInputStream(zstd.getInputStream(), BUFFER)) {
      try {
        s = extract(tar, staging, progress);
      } catch (CorruptArchiveException e) {
        zstd.destroyForcibly();
        String why = waitForError(zstd, err);
        throw new CorruptArchiveException(archive + " is not a readable tar.zst"
            + (why.isEmpty() ? "" : " (zstd: " + why + ")") + ": " + e.getMessage(), e);
      }
      tar.transferTo(OutputStream.nullOutputStream()); // zstd's end, so it can exit
    } catch (IOException e) {
      zstd.destroyForcibly();
      throw e;
    }
    String why = waitForError(zstd, err);
    if (zstd.exitValue() != 0) {
      deleteTree(staging);
      throw new CorruptArchiveException(archive + " is not a readable zstd file (zstd exit code "
          + zstd.exitValue() + (why.isEmpty() ? "" : ": " + why) + ")", null);
    }
    return s;
  }

  private static String waitForError(Process p, java.util.concurrent.CompletableFuture<String> err)
      throws IOException {
    try {
      p.waitFor();
      return err.get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for zstd");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return "";
    }
  }

  /**
   * Extracts an uncompressed tar stream into {@code staging}, which must not exist yet (its parent
   * must). The stream is read to the end of the archive but not closed.
   *
   * @throws UnsafeArchiveException the first entry refused; staging has been deleted
   * @throws CorruptArchiveException the stream is not a readable tar; staging has been deleted
   * @throws IOException writing failed; staging has been deleted
   */
  public static Summary extract(InputStream tarStream, Path staging, Progress progress)
      throws IOException {
    if (!staging.isAbsolute()) {
      throw new IllegalArgumentException("staging directory must be absolute: " + staging);
    }
    Files.createDirectory(staging);
    try {
      SafeExtractor x = new SafeExtractor(staging.toRealPath(), progress);
      return x.run(new TarArchiveInputStream(tarStream, StandardCharsets.UTF_8.name()));
    } catch (IOException | RuntimeException | Error e) {
      try {
        deleteTree(staging);
      } catch (IOException | RuntimeException d) {
        e.addSuppressed(d);
      }
      throw e;
    }
  }

  private Summary run(TarArchiveInputStream tar) throws IOException {
    while (true) {
      TarArchiveEntry e;
      try {
        e = tar.getNextEntry();
      } catch (IOException | RuntimeException ex) {
        throw corrupt("after entry " + entries, ex);
      }
      if (e == null) {
        break;
      }
      extractEntry(e, tar);
      entries++;
      progress.update(bytes, entries);
    }
    // a later entry can change what an earlier link resolves to: check every link again
    for (String rel : links) {
      Path link = root.resolve(rel);
      if (Files.isSymbolicLink(link)) {
        String why = escape(link.getParent(), Files.readSymbolicLink(link).toString());
        if (why != null) {
          throw new UnsafeArchiveException(rel, why + " (once the whole archive is extracted)");
        }
      }
    }
    for (int i = dirs.size() - 1; i >= 0; i--) {
      DirAttrs d = dirs.get(i);
      setAttributes(d.path(), d.mode(), d.mtime());
    }
    return new Summary(files, directories, symlinks, hardLinks, bytes, entries);
  }

  private void extractEntry(TarArchiveEntry e, TarArchiveInputStream tar) throws IOException {
    String name = e.getName();
    if (e.isGlobalPaxHeader()) {
      return;
    }
    List<String> parts = segments(name, name, "its name");
    if (e.isDirectory()) {
      directory(name, parts, e);
    } else if (e.isSymbolicLink()) {
      symlink(name, parts, e.getLinkName());
    } else if (e.isLink()) {
      hardLink(name, parts, e.getLinkName());
    } else if (e.isCharacterDevice()) {
      throw new UnsafeArchiveException(name, "is a character device");
    } else if (e.isBlockDevice()) {
      throw new UnsafeArchiveException(name, "is a block device");
    } else if (e.isFIFO()) {
      throw new UnsafeArchiveException(name, "is a fifo");
    } else if (e.isSparse()) {
      throw new UnsafeArchiveException(name, "is a sparse file (not supported)");
    } else if (isRegular(e)) {
      file(name, parts, e, tar);
    } else {
      throw new UnsafeArchiveException(
          name, "has the unsupported entry type '" + (char) e.getLinkFlag() + "'");
    }
  }

  private static boolean isRegular(TarArchiveEntry e) {
    byte f = e.getLinkFlag();
    return f == TarConstants.LF_NORMAL || f == TarConstants.LF_OLDNORM
        || f == TarConstants.LF_CONTIG;
  }

  private void directory(String name, List<String> parts, TarArchiveEntry e) throws IOException {
    if (parts.isEmpty()) {
      return; // "./": the staging directory itself
    }
    Path p = parentOf(name, parts).resolve(last(parts));
    BasicFileAttributes a = lstat(p);
    if (a != null && a.isSymbolicLink()) {
      throw new UnsafeArchiveException(name, "is a directory over the symbolic link "
          + relative(p) + " extracted before it");
    }
    if (a != null && !a.isDirectory()) {
      Files.delete(p);
      a = null;
    }
    if (a == null) {
      Files.createDirectory(p);
    }
    dirs.add(new DirAttrs(p, e.getMode(), e.getLastModifiedTime()));
    directories++;
  }

  private void symlink(String name, List<String> parts, String target) throws IOException {
    if (parts.isEmpty()) {
      throw new UnsafeArchiveException(name, "is a link in place of the staging directory");
    }
    Path parent = parentOf(name, parts);
    String why = escape(parent, target);
    if (why != null) {
      throw new UnsafeArchiveException(name, why);
    }
    Path p = parent.resolve(last(parts));
    removeNonDirectory(name, p);
    Files.createSymbolicLink(p, Path.of(target));
    links.add(relative(p));
    symlinks++;
  }

  private void hardLink(String name, List<String> parts, String target) throws IOException {
    if (parts.isEmpty()) {
      throw new UnsafeArchiveException(name, "is a link in place of the staging directory");
    }
    if (target == null || target.isEmpty()) {
      throw new UnsafeArchiveException(name, "is a hard link with an empty target");
    }
    List<String> targetParts = segments(name, target, "its hard link target " + target);
    Path existing = root;
    for (int i = 0; i < targetParts.size(); i++) {
      existing = existing.resolve(targetParts.get(i));
      BasicFileAttributes a = lstat(existing);
      boolean lastPart = i == targetParts.size() - 1;
      if (a == null || a.isSymbolicLink() || (lastPart ? !a.isRegularFile() : !a.isDirectory())) {
        throw new UnsafeArchiveException(name, "is a hard link to " + target
            + ", which is not a regular file extracted before it");
      }
    }
    if (targetParts.isEmpty()) {
      throw new UnsafeArchiveException(name, "is a hard link to the staging directory");
    }
    Path p = parentOf(name, parts).resolve(last(parts));
    if (p.equals(existing)) {
      return; // a link to itself: nothing to do
    }
    removeNonDirectory(name, p);
    Files.createLink(p, existing);
    hardLinks++;
  }

  private void file(String name, List<String> parts, TarArchiveEntry e, InputStream tar)
      throws IOException {
    if (parts.isEmpty()) {
      throw new UnsafeArchiveException(name, "is a file in place of the staging directory");
    }
    Path p = parentOf(name, parts).resolve(last(parts));
    removeNonDirectory(name, p);
    try (OutputStream out = Channels.newOutputStream(Files.newByteChannel(p,
        Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS),
        PosixFilePermissions.asFileAttribute(OWNER_RW)))) {
      while (true) {
        int n;
        try {
          n = tar.read(buffer);
        } catch (IOException | RuntimeException ex) {
          throw corrupt("in entry '" + name + "'", ex);
        }
        if (n < 0) {
          break;
        }
        out.write(buffer, 0, n);
        bytes += n;
        progress.update(bytes, entries);
      }
    }
    setAttributes(p, e.getMode(), e.getLastModifiedTime());
    files++;
  }

  /**
   * The entry's parent directory, created as needed, checked component by component: an
   * existing component must be a real directory (not a link), and the parent's real path must
   * lie inside the staging root.
   */
  private Path parentOf(String name, List<String> parts) throws IOException {
    Path cur = root;
    for (int i = 0; i < parts.size() - 1; i++) {
      Path next = cur.resolve(parts.get(i));
      BasicFileAttributes a = lstat(next);
      if (a == null) {
        Files.createDirectory(next);
      } else if (a.isSymbolicLink()) {
        throw new UnsafeArchiveException(name, "lies below the symbolic link " + relative(next)
            + ": extracting it would write wherever that link points");
      } else if (!a.isDirectory()) {
        throw new UnsafeArchiveException(name, "lies below " + relative(next)
            + ", which is not a directory");
      }
      cur = next;
    }
    Path real = cur.toRealPath();
    if (!real.startsWith(root)) {
      throw new UnsafeArchiveException(name, "its parent directory resolves to " + real
          + ", outside the staging directory");
    }
    return cur;
  }

  /** Unlinks a file or link of the same name (never writing through it); refuses directories. */
  private void removeNonDirectory(String name, Path p) throws IOException {
    BasicFileAttributes a = lstat(p);
    if (a == null) {
      return;
    }
    if (a.isDirectory()) {
      throw new UnsafeArchiveException(name, "would replace the directory " + relative(p));
    }
    Files.delete(p);
  }

  /**
   * Why a link in {@code dir} (a real directory inside root) to {@code target} is unsafe, or null:
   * the target is walked component by component, following the links already extracted, and must
   * never leave the root (not even to come back: the staging directory is renamed later).
   */
  private String escape(Path dir, String target) throws IOException {
    if (target == null || target.isEmpty()) {
      return "is a symbolic link with an empty target";
    }
    if (target.indexOf('\0') >= 0) {
      return "has a NUL byte in its link target";
    }
    if (target.startsWith("/")) {
      return "is a symbolic link to the absolute path " + target;
    }
    Deque<String> todo = new ArrayDeque<>(List.of(target.split("/")));
    Path cur = dir;
    int hops = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (cur.equals(root)) {
          return "is a symbolic link to " + target + ", which points outside the staging"
              + " directory";
        }
        cur = cur.getParent();
        continue;
      }
      Path next = cur.resolve(c);
      if (Files.isSymbolicLink(next)) {
        if (++hops > MAX_LINK_HOPS) {
          return null; // a loop never resolves, so it cannot lead outside
        }
        String t = Files.readSymbolicLink(next).toString();
        if (t.startsWith("/")) {
          return "is a symbolic link to " + target + ", which leads through " + relative(next)
              + " to the absolute path " + t;
        }
        String[] more = t.split("/");
        for (int i = more.length - 1; i >= 0; i--) {
          todo.addFirst(more[i]);
        }
      } else {
        cur = next;
      }
    }
    return null;
  }

  /** '/'-separated name → segments; refuses absolute names, '..' and NUL. "." and "" dropped. */
  private static List<String> segments(String entry, String name, String what)
      throws UnsafeArchiveException {
    if (name == null) {
      throw new UnsafeArchiveException(entry, what + " is missing");
    }
    if (name.indexOf('\0') >= 0) {
      throw new UnsafeArchiveException(entry, what + " contains a NUL byte");
    }
    if (name.startsWith("/")) {
      throw new UnsafeArchiveException(entry, what + " is an absolute path");
    }
    List<String> out = new ArrayList<>();
    for (String s : name.split("/")) {
      if (s.equals("..")) {
        throw new UnsafeArchiveException(entry, what + " contains a '..' segment");
      }
      if (!s.isEmpty() && !s.equals(".")) {
        out.add(s);
      }
    }
    return out;
  }

  private static String last(List<String> parts) {
    return parts.get(parts.size() - 1);
  }

  private String relative(Path p) {
    return root.relativize(p).toString();
  }

  private static BasicFileAttributes lstat(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static void setAttributes(Path p, int mode, FileTime mtime) throws IOException {
    Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setPermissions(permissions(mode));
    if (mtime != null) {
      Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(mtime, null, null);
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
    for (int i = 0; i < all.length; i++) {
      if ((mode & (0400 >> i)) != 0) {
        out.add(all[i]);
      }
    }
    return out;
  }

  private static CorruptArchiveException corrupt(String where, Exception e) {
    IOException cause = e instanceof IOException io ? io : new IOException(e);
    return new CorruptArchiveException(
        "the archive cannot be read " + where + ": " + e.getMessage(), cause);
  }

  /**
   * Deletes a tree without following links (a link is removed, never what it points to), making
   * directories writable by their owner first so read-only restored directories go too.
   */
  public static void deleteTree(Path dir) throws IOException {
    BasicFileAttributes top = lstat(dir);
    if (top == null) {
      return;
    }
    if (!top.isDirectory()) {
      Files.delete(dir);
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
          throws IOException {
        ownerFullAccess(d);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        Files.delete(f);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path f, IOException exc) throws IOException {
        if (exc instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        BasicFileAttributes a = lstat(f);
        if (exc instanceof AccessDeniedException && a != null && a.isDirectory()) {
          ownerFullAccess(f); // unreadable directory: open it up, then delete it
          deleteTree(f);
          return FileVisitResult.CONTINUE;
        }
        throw exc;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void ownerFullAccess(Path d) throws IOException {
    PosixFileAttributeView v =
        Files.getFileAttributeView(d, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> perms = v.readAttributes().permissions();
    if (!perms.containsAll(EnumSet.of(PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE))) {
      perms.add(PosixFilePermission.OWNER_READ);
      perms.add(PosixFilePermission.OWNER_WRITE);
      perms.add(PosixFilePermission.OWNER_EXECUTE);
      v.setPermissions(perms);
    }
  }
}
