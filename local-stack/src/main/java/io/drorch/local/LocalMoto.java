package io.drorch.local;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 server that implements bucket versioning, lifecycle rules and Object Lock: moto's
 * {@code moto_server} (PyPI {@code moto[server]}, pinned in {@code scripts/ensure-tools.sh}),
 * started on a free port of 127.0.0.1 and stopped by {@link #close()}. Everything is in its
 * memory: a fresh server knows no bucket. It accepts any credentials.
 *
 * <p>The fast S3 server of the stack is {@link LocalS3} (S3Proxy); this one is for the tests of
 * what S3Proxy's filesystem backend answers 501 to. The binary is {@code $DR_MOTO_SERVER}, else
 * {@code <cache>/dr-orchestrator/moto/bin/moto_server} where ensure-tools.sh installs it
 * ({@code <cache>}: {@code $XDG_CACHE_HOME}, else {@code ~/.cache}).
 */
public final class LocalMoto implements AutoCloseable {
  public static final String REGION = "us-east-1";

  private final int port;
  private final Process process;
  private final Path log;
  private final Thread shutdownHook;
  private volatile boolean closed;

  private LocalMoto(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
    this.shutdownHook = new Thread(this::stopQuietly, "local-moto-shutdown");
  }

  /** The moto_server to run, or a message saying how to install it. */
  public static Path binary() throws IOException {
    String env = System.getenv("DR_MOTO_SERVER");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      if (!Files.isExecutable(p)) {
        throw new IOException("DR_MOTO_SERVER=" + env + " is not an executable file");
      }
      return p;
    }
    String cache = System.getenv("XDG_CACHE_HOME");
    Path base = cache == null || cache.isBlank()
        ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(cache);
    Path p = base.resolve("dr-orchestrator/moto/bin/moto_server");
    if (!Files.isExecutable(p)) {
      throw new IOException("moto_server is not installed at " + p + " (and DR_MOTO_SERVER is"
          + " not set): run scripts/ensure-tools.sh, which installs the pinned moto[server]");
    }
    return p;
  }

  /** Starts moto_server on a free port; its output goes to {@code dir/moto.log}. */
  public static LocalMoto start(Path dir) throws IOException {
    Path base = dir.toAbsolutePath().normalize();
    Files.createDirectories(base);
    Path bin = binary();
    Path log = base.resolve("moto.log");
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = Procs.freePort();
      Process proc = Procs.startLogged(List.of(bin.toString(), "-H", "127.0.0.1", "-p",
              String.valueOf(port)), base, log,
          "=== LocalMoto start " + java.time.Instant.now() + " port " + port);
      LocalMoto moto = new LocalMoto(port, proc, log);
      Runtime.getRuntime().addShutdownHook(moto.shutdownHook);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && proc.isAlive()) {
        if (Procs.portAnswers(port)) {
          return moto;
        }
        sleep(50);
      }
      moto.close();
      String tail = Procs.fileTail(log, 40);
      last = new IOException((proc.isAlive() ? "moto_server did not open port " + port
          + " within 60 s" : "moto_server exited with code " + proc.exitValue()
          + " before opening port " + port) + "\n" + tail);
      if (!tail.contains("Address already in use")) {
        break;
      }
    }
    throw last;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /** Any key pair works with moto; this one is fixed. */
  public AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
  }

  /** A new client (the caller closes it): path-style, us-east-1. */
  public S3Client newClient() {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.of(REGION))
        .credentialsProvider(credentials())
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)))
        .build();
  }

  @Override
  public void close() {
    stopQuietly();
    Procs.removeShutdownHook(shutdownHook);
  }

  @Override
  public String toString() {
    return "LocalMoto[" + endpoint() + "]";
  }

  private synchronized void stopQuietly() {
    if (closed) {
      return;
    }
    closed = true;
    Procs.stop(process, 5);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
