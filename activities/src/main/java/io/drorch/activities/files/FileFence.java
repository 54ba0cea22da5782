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
  /**
   * Lock files held in this JVM. OS locks belong to the process, and closing ANY descriptor of a
   * file drops the process's locks on it, so a file held here is never opened again here (two
   * attempts can share a worker: one whose heartbeat timed out, and its successor).
   */
  private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

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
    Path lockFile = lockFile(path).toAbsolutePath().normalize();
    if (!HELD.add(lockFile)) {
      throw busy(path, "an attempt in this worker", what);
    }
    FileChannel ch = null;
    try {
      Files.createDirectories(lockFile.getParent());
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock = tryLock(ch);
      if (lock == null) {
        String holder = read(lockFile);
        ch.close();
        HELD.remove(lockFile);
        throw busy(path, holder, what);
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((owner() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      ch.force(false);
      return new FileFence(ch, lock, lockFile);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      HELD.remove(lockFile);
      if (e instanceof io.temporal.failure.ApplicationFailure af) {
        throw af;
      }
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
      Path lockFile = lockFile(other).toAbsolutePath().normalize();
      if (!HELD.add(lockFile)) {
        busy.add(other); // held by an attempt in this worker
        continue;
      }
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        FileLock lock = tryLock(ch);
        if (lock == null) {
          busy.add(other);
          continue;
        }
        SafeExtractor.deleteTree(other);
        Files.deleteIfExists(lockFile);
        log.info("deleted {}, left by an earlier attempt that no longer runs", other);
      } catch (IOException e) {
        log.warn("cannot delete abandoned staging {}: {}", other, e.toString());
      } finally {
        HELD.remove(lockFile);
      }
    }
    return busy;
  }

  private static io.temporal.failure.ApplicationFailure busy(Path path, String holder,
      String what) {
    return DrError.TARGET_BUSY.failure(path + " is in use by another attempt that is still"
        + " running (" + holder + "): this attempt (" + what + ") gives way and is retried;"
        + " the other one is never disturbed. If its process is gone, its lock went with it"
        + " and the next attempt proceeds.");
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

  /**
   * Deletes the lock file while still holding it, then releases it. (An attempt that opened the
   * file just before could still lock the deleted file: only attempts of the same number on the
   * same staging race like that, which a retry policy never produces.)
   */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(lockFile);
    } catch (IOException e) {
      log.debug("deleting {}: {}", lockFile, e.toString());
    }
    try {
      lock.release();
    } catch (IOException e) {
      log.debug("releasing {}: {}", lockFile, e.toString());
    }
    closeQuietly(channel);
    HELD.remove(lockFile);
  }
}
