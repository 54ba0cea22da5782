package io.drorch.activities.files;

import io.drorch.activities.storage.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a directory tree as a POSIX (pax) tar stream to any {@link OutputStream}, and its listing
 * beside it; no storage involved. {@code tar -xf} (GNU or bsdtar) restores the tree exactly:
 *
 * <ul>
 *   <li>entry names are relative to the root ({@code a/b.txt}; the root itself is not an entry),
 *       in a deterministic order: depth first, each directory's entries sorted by name, a
 *       directory before its contents;
 *   <li>directories (empty ones too), regular files with permission bits, mtime, owner and group
 *       (names and ids), symbolic links as links (never followed; targets stored verbatim);
 *   <li>pax headers for names and link targets over 100 bytes, non-ASCII names, and sizes, ids or
 *       times that do not fit the ustar fields;
 *   <li>sockets, fifos and devices, and entries that vanish between listing and reading, are left
 *       out, logged and recorded as {@code skipped} in the listing. Hard links are stored as
 *       separate files.
 * </ul>
 *
 * Each file is read once: its SHA-256 is computed as its bytes go into the tar. A file whose size
 * or mtime changes while it is read fails the archive with {@link ArchiveException.Reason#CHANGED}.
 * The stream passed in is finished as a tar (end-of-archive records) but not closed.
 */
public final class TarArchiver {
  private static final Logger log = LoggerFactory.getLogger(TarArchiver.class);
  private static final int BUFFER = 128 * 1024;
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFLNK = 0120000;
  private static final String UNIX_ATTRS = "unix:mode,uid,gid,size,lastModifiedTime";
  private static final int MAX_SKIP_WARNINGS = 50;

  /** Called after every chunk read; implementations throttle (heartbeats) themselves. */
  @FunctionalInterface
  public interface Progress {
    void update(long bytesRead, long entries);

    Progress NONE = (b, e) -> {};
  }

  private final Path root;
  private final TarArchiveOutputStream tar;
  private final ListingEntry.Writer listing;
  private final Progress progress;
  private final byte[] buffer = new byte[BUFFER];
  private final Map<Integer, String> userNames = new HashMap<>();
  private final Map<Integer, String> groupNames = new HashMap<>();
  private final boolean unixView;
  private long files;
  private long directories;
  private long symlinks;
  private long skipped;
  private long bytesRead;
  private long entries;

  private TarArchiver(Path root, OutputStream out, ListingEntry.Writer listing, Progress progress) {
    this.root = root;
    this.tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
    this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    this.tar.setAddPaxHeadersForNonAsciiNames(true);
    this.listing = listing;
    this.progress = progress == null ? Progress.NONE : progress;
    this.unixView = root.getFileSystem().supportedFileAttributeViews().contains("unix");
  }

  /**
   * Archives the tree under {@code root} (a symlink as the root itself is followed) into {@code
   * out} and writes one listing line per entry.
   *
   * @throws ArchiveException a problem with the source tree (see {@link ArchiveException#reason()})
   * @throws IOException the sink failed (its own exception, unchanged)
   */
  public static ArchiveSummary write(
      Path root, OutputStream out, ListingEntry.Writer listing, Progress progress)
      throws IOException {
    Path dir = checkRoot(root);
    TarArchiver a = new TarArchiver(dir, out, listing, progress);
    a.walk(dir, "");
    a.tar.finish();
    a.progress.update(a.bytesRead, a.entries);
    if (a.skipped > MAX_SKIP_WARNINGS) {
      log.warn("{} entries of {} were skipped (first {} logged)", a.skipped, root,
          MAX_SKIP_WARNINGS);
    }
    return new ArchiveSummary(
        a.files, a.directories, a.symlinks, a.skipped, a.bytesRead, a.tar.getBytesWritten());
  }

  /** The root as a real directory path, or {@link ArchiveException.Reason#ROOT_MISSING}. */
  public static Path checkRoot(Path root) throws ArchiveException {
    String problem;
    if (!Files.exists(root)) {
      problem = "does not exist";
    } else if (!Files.isDirectory(root)) {
      problem = "is not a directory";
    } else if (!Files.isReadable(root) || !Files.isExecutable(root)) {
      problem = "is not readable by the worker's user (" + System.getProperty("user.name") + ")";
    } else {
      try {
        return root.toRealPath();
      } catch (IOException e) {
        problem = "cannot be resolved (" + e + ")";
      }
    }
    throw new ArchiveException(
        ArchiveException.Reason.ROOT_MISSING, "", root + " " + problem, null);
  }

  private void walk(Path dir, String rel) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        children.add(p);
      }
    } catch (AccessDeniedException e) {
      throw unreadable(rel.isEmpty() ? "." : rel, e);
    } catch (IOException e) {
      throw readFailed(rel.isEmpty() ? "." : rel, e);
    }
    children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    for (Path child : children) {
      String name = child.getFileName().toString();
      visit(child, rel.isEmpty() ? name : rel + "/" + name);
      progress.update(bytesRead, entries); // also heartbeats through millions of tiny entries
    }
  }

  private void visit(Path p, String rel) throws IOException {
    if (rel.indexOf('\uFFFD') >= 0 && !Files.exists(p.getParent().resolve(
        p.getFileName().toString()), LinkOption.NOFOLLOW_LINKS)) {
      // the name's bytes are not valid in the JVM's file name encoding: a tar entry would restore
      // under a different name, so leave it out loudly instead
      skip(rel, "name is not valid UTF-8 (run the worker with a UTF-8 locale, or rename it)");
      return;
    }
    Stat st;
    try {
      st = stat(p);
    } catch (NoSuchFileException e) {
      skip(rel, "vanished before it was read");
      return;
    } catch (AccessDeniedException e) {
      throw unreadable(rel, e);
    } catch (IOException e) {
      throw readFailed(rel, e);
    }
    switch (st.mode & S_IFMT) {
      case S_IFDIR -> {
        TarArchiveEntry e = entry(rel + "/", TarConstants.LF_DIR, st);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        listing.write(ListingEntry.dir(rel, st.mode));
        directories++;
        entries++;
        walk(p, rel);
      }
      case S_IFREG -> writeFile(p, rel, st);
      case S_IFLNK -> {
        String target;
        try {
          target = Files.readSymbolicLink(p).toString();
        } catch (NoSuchFileException e) {
          skip(rel, "vanished before it was read");
          return;
        } catch (IOException e) {
          throw readFailed(rel, e);
        }
        TarArchiveEntry e = entry(rel, TarConstants.LF_SYMLINK, st);
        e.setLinkName(target);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        listing.write(ListingEntry.symlink(rel, target));
        symlinks++;
        entries++;
      }
      default -> skip(rel, kind(st.mode));
    }
  }

  private void writeFile(Path p, String rel, Stat st) throws IOException {
    InputStream in;
    try {
      in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      skip(rel, "vanished before it was read");
      return;
    } catch (AccessDeniedException e) {
      throw unreadable(rel, e);
    } catch (IOException e) {
      throw readFailed(rel, e);
    }
    MessageDigest digest = Sha256.newDigest();
    try (in) {
      TarArchiveEntry e = entry(rel, TarConstants.LF_NORMAL, st);
      e.setSize(st.size);
      tar.putArchiveEntry(e);
      long remaining = st.size;
      while (remaining > 0) {
        int n = read(in, rel, (int) Math.min(buffer.length, remaining));
        if (n < 0) {
          throw changed(rel, "it shrank from " + st.size + " to " + (st.size - remaining)
              + " bytes while it was read");
        }
        digest.update(buffer, 0, n);
        tar.write(buffer, 0, n);
        remaining -= n;
        bytesRead += n;
        progress.update(bytesRead, entries);
      }
      if (read(in, rel, 1) >= 0) {
        throw changed(rel, "it grew beyond " + st.size + " bytes while it was read");
      }
      tar.closeArchiveEntry();
    }
    Stat after;
    try {
      after = stat(p);
    } catch (IOException ex) {
      throw changed(rel, "it was removed or replaced while it was read (" + ex + ")");
    }
    if (after.size != st.size || !after.mtime.equals(st.mtime)) {
      throw changed(rel, "its size or modification time changed while it was read ("
          + st.size + " bytes, " + st.mtime + " -> " + after.size + " bytes, " + after.mtime + ")");
    }
    listing.write(ListingEntry.file(rel, st.size, Sha256.hex(digest), st.mode));
    files++;
    entries++;
  }

  private int read(InputStream in, String rel, int len) throws ArchiveException {
    try {
      return in.read(buffer, 0, len);
    } catch (IOException e) {
      throw readFailed(rel, e);
    }
  }

  private TarArchiveEntry entry(String name, byte type, Stat st) {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setMode(type == TarConstants.LF_SYMLINK ? S_IFLNK | 0777 : st.mode);
    e.setModTime(st.mtime);
    if (st.uid >= 0) {
      e.setUserId((long) st.uid);
      e.setGroupId((long) st.gid);
      e.setUserName(userNames.getOrDefault(st.uid, ""));
      e.setGroupName(groupNames.getOrDefault(st.gid, ""));
    }
    return e;
  }

  private void skip(String rel, String reason) throws IOException {
    skipped++;
    listing.write(ListingEntry.skipped(rel, reason));
    if (skipped <= MAX_SKIP_WARNINGS) {
      log.warn("not archived: {}/{} ({})", root, rel, reason);
    }
  }

  private Stat stat(Path p) throws IOException {
    if (unixView) {
      Map<String, Object> a = Files.readAttributes(p, UNIX_ATTRS, LinkOption.NOFOLLOW_LINKS);
      int uid = (Integer) a.get("uid");
      int gid = (Integer) a.get("gid");
      if (!userNames.containsKey(uid) || !groupNames.containsKey(gid)) {
        PosixFileAttributes pa =
            Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        userNames.putIfAbsent(uid, principalName(pa.owner().getName(), uid));
        groupNames.putIfAbsent(gid, principalName(pa.group().getName(), gid));
      }
      return new Stat((Integer) a.get("mode"), (Long) a.get("size"),
          (FileTime) a.get("lastModifiedTime"), uid, gid);
    }
    PosixFileAttributes pa =
        Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    int type = pa.isDirectory() ? S_IFDIR : pa.isRegularFile() ? S_IFREG
        : pa.isSymbolicLink() ? S_IFLNK : 0;
    return new Stat(type | permissionBits(pa.permissions()), pa.size(), pa.lastModifiedTime(),
        -1, -1);
  }

  /** A name the system does not know is reported as the number: store no name then. */
  private static String principalName(String name, int id) {
    return name.equals(Integer.toString(id)) ? "" : name;
  }

  private static int permissionBits(Set<PosixFilePermission> perms) {
    int m = 0;
    for (PosixFilePermission p : perms) {
      m |= 0400 >> p.ordinal();
    }
    return m;
  }

  private static String kind(int mode) {
    return switch (mode & S_IFMT) {
      case 0140000 -> "socket";
      case 0010000 -> "fifo";
      case 0020000 -> "character device";
      case 0060000 -> "block device";
      default -> "unsupported file type " + Integer.toOctalString(mode & S_IFMT);
    };
  }

  private ArchiveException changed(String rel, String what) {
    return new ArchiveException(ArchiveException.Reason.CHANGED, rel,
        root.resolve(rel) + " changed while it was archived: " + what, null);
  }

  private ArchiveException unreadable(String rel, IOException e) {
    return new ArchiveException(ArchiveException.Reason.UNREADABLE, rel,
        root.resolve(rel) + " is not readable by the worker's user ("
            + System.getProperty("user.name") + "): " + e.getMessage(), e);
  }

  private ArchiveException readFailed(String rel, IOException e) {
    return new ArchiveException(ArchiveException.Reason.READ_FAILED, rel,
        "cannot read " + root.resolve(rel) + ": " + e, e);
  }

  private record Stat(int mode, long size, FileTime mtime, int uid, int gid) {}
}
