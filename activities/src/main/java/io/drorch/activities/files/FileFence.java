package io.drorch.activities.files;

import io.drorch.activities.common.Heartbeats;
import io.drorch.workflows.common.DrError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing between attempts on the file system: an attempt holds an OS lock on {@code
 * <path>.lock} (which names the attempt: workflow, activity, attempt, host, pid) for as long as
 * it runs; the OS releases it when the process ends, kill -9 included. A later attempt deletes an
 * earlier attempt's staging directory only after taking that lock, so a zombie attempt's
 * directory is never deleted under it; a path whose lock is held gives {@link
 * DrError#TARGET_BUSY} (retried).
 */
final class FileFence implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileFence.class);

  private final FileChannel channel;
  private final FileLock lock;
  private final Path lockFile;

  private FileFence(FileChannel channel, FileLock lock, Path lockFile) {
    this.channel = channel;
    this.lock = lock;
    this.lockFile = lockFile;
  }

  /** {@code base.a<attempt>}: each attempt extracts into a directory of its own. */
  static Path attemptPath(Path base, int attempt) {
    return base.resolveSibling(base.getFileName() + ".a" + Math.max(1, attempt));
  }

  static Path lockFile(Path path) {
    return path.resolveSibling(path.getFileName() + ".lock");
  }

  /** Takes the lock of {@code path}, or throws TARGET_BUSY naming {@code what}. */
  static FileFence take(Path path, String what) {
    Path lockFile = lockFile(path);
    FileChannel ch = null;
    try {
      Files.createDirectories(lockFile.getParent());
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock = tryLock(ch);
      if (lock == null) {
        String holder = read(lockFile);
        ch.close();
        throw DrError.TARGET_BUSY.failure(path + " is in use by another attempt that is still"
            + " running (" + holder + "): this attempt (" + what + ") gives way and is retried;"
            + " the other one is never disturbed. If its process is gone, its lock went with it"
            + " and the next attempt proceeds.");
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((owner() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      ch.force(false);
      return new FileFence(ch, lock, lockFile);
    } catch (IOException e) {
      closeQuietly(ch);
      throw DrError.RESTORE_FAILED.failure("Cannot take the lock " + lockFile + " (" + what
          + "): " + e + ". Give the worker's user write access beside " + path + ".", e);
    }
  }

  /**
   * Deletes the staging directories of earlier attempts ({@code base.a<N>}, except {@code keep})
   * whose lock can be taken, with their lock files.
   *
   * @return those left because an attempt still holds them
   */
  static List<Path> deleteAbandoned(Path base, Path keep) {
    Pattern attempt = Pattern.compile(Pattern.quote(base.getFileName().toString()) + "\\.a\\d+");
    List<Path> busy = new ArrayList<>();
    List<Path> others = new ArrayList<>();
    Path parent = base.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return busy;
    }
    try (Stream<Path> s = Files.list(parent)) {
      s.filter(p -> attempt.matcher(p.getFileName().toString()).matches())
          .filter(p -> !p.equals(keep))
          .forEach(others::add);
    } catch (IOException e) {
      log.warn("cannot list {} for abandoned staging: {}", parent, e.toString());
      return busy;
    }
    for (Path other : others) {
      Path lockFile = lockFile(other);
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        FileLock lock = tryLock(ch);
        if (lock == null) {
          busy.add(other);
          continue;
        }
        SafeExtractor.deleteTree(other);
        log.info("deleted {}, left by an earlier attempt that no longer runs", other);
      } catch (IOException e) {
        log.warn("cannot delete abandoned staging {}: {}", other, e.toString());
      }
    }
    return busy;
  }

  private static FileLock tryLock(FileChannel ch) throws IOException {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException heldInThisJvm) {
      return null;
    }
  }

  private static String owner() {
    String attempt = Heartbeats.context().map(c -> "workflow " + c.getInfo().getWorkflowId()
        + ", activity " + c.getInfo().getActivityId() + ", attempt " + c.getInfo().getAttempt())
        .orElse("outside an activity");
    String host = System.getenv("HOSTNAME") == null ? "" : ", host " + System.getenv("HOSTNAME");
    return attempt + host + ", pid " + ProcessHandle.current().pid();
  }

  private static String read(Path lockFile) {
    try {
      String s = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
      return s.isEmpty() ? "holder unknown" : s;
    } catch (IOException e) {
      return "holder unknown";
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // the failure reported matters more
      }
    }
  }

  /** Releases the lock; the lock file stays (deleting it could let two attempts lock apart). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      log.debug("releasing {}: {}", lockFile, e.toString());
    }
    closeQuietly(channel);
  }
}
