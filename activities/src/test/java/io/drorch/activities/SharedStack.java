package io.drorch.activities;

import io.drorch.activities.storage.S3Clients;
import io.drorch.local.LocalPostgres;
import io.drorch.local.LocalS3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The real servers the activity tests share, from the embedded local stack (dr-local-stack): a
 * PostgreSQL cluster and an S3 server, each started once per test JVM (surefire runs one fork per
 * module) when a test first asks for it, and stopped by a shutdown hook. No Temporal server and
 * no worker: the activities run in Temporal's {@code TestActivityEnvironment} (see
 * {@link ActivityTestBase}). Everything lives in one temporary directory, deleted at the end.
 */
public final class SharedStack {
  private static Path dir;
  private static LocalPostgres pg;
  private static LocalS3 s3;
  private static S3Clients clients;

  private SharedStack() {}

  /** The shared S3 server (backend from DR_S3_BACKEND); each test class uses its own bucket. */
  public static synchronized LocalS3 s3() throws IOException {
    if (s3 == null) {
      s3 = LocalS3.start(dir().resolve("s3"));
    }
    return s3;
  }

  /** Clients of the activities with the shared S3 server's credentials. */
  public static synchronized S3Clients clients() throws IOException {
    if (clients == null) {
      clients = new S3Clients(s3().credentials());
    }
    return clients;
  }

  /** The shared PostgreSQL cluster; each test class uses databases of its own. */
  public static synchronized LocalPostgres postgres() throws IOException {
    if (pg == null) {
      pg = LocalPostgres.start(dir().resolve("postgres"));
    }
    return pg;
  }

  private static Path dir() throws IOException {
    if (dir == null) {
      dir = Files.createTempDirectory("dr-activities-");
      Runtime.getRuntime().addShutdownHook(new Thread(SharedStack::close, "shared-stack-stop"));
    }
    return dir;
  }

  private static synchronized void close() {
    if (clients != null) {
      clients.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (pg != null) {
      pg.close();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // best effort: a leftover temporary directory is harmless
    }
  }
}
