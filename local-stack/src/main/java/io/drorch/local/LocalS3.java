package io.drorch.local;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3 protocol server (S3Proxy 4.1.0) in a child JVM on 127.0.0.1, with SigV2/SigV4
 * authorization against a generated key pair (kept in {@code dir/credentials.properties}, so a
 * restart on the same dir keeps the same keys).
 *
 * <p>Backends (env or system property {@code DR_S3_BACKEND}):
 * <ul>
 *   <li>{@code filesystem} (default): objects under {@code dir/data/<bucket>/}, metadata in user
 *       xattrs; survives restarts. No bucket versioning.</li>
 *   <li>{@code transient}: in memory of the child JVM (jimfs); lost on close; supports bucket
 *       versioning.</li>
 * </ul>
 * The child's output goes to {@code dir/s3proxy.log}.
 *
 * <p>{@link #startWithTls} also serves HTTPS on a second port ({@code s3proxy.secure-endpoint}) with
 * a self-signed certificate for 127.0.0.1 made once by the JDK's keytool ({@code dir/tls/}); its
 * PEM is {@link #caCertificate()}. pgBackRest's S3 driver speaks only HTTPS: it uses this endpoint
 * and verifies the certificate against that PEM.
 */
public final class LocalS3 implements AutoCloseable {
  public static final String REGION = "us-east-1";

  /** Which S3Proxy storage backend the child JVM uses. */
  public enum Backend {
    /** Files on disk under dir/data, persistent, no versioning. */
    FILESYSTEM("filesystem"),
    /** In-memory (jimfs), lost on close, supports versioning. */
    TRANSIENT("transient");

    private final String provider;

    Backend(String provider) {
      this.provider = provider;
    }

    public String provider() {
      return provider;
    }

    static Backend fromConfig() {
      String v = System.getProperty("DR_S3_BACKEND", System.getenv("DR_S3_BACKEND"));
      if (v == null || v.isBlank()) {
        return FILESYSTEM;
      }
      return Backend.valueOf(v.trim().toUpperCase(Locale.ROOT).replace("-NIO2", ""));
    }
  }

  private static final String CHILD_LOGBACK = String.join("\n",
      "<configuration>",
      "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
      "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>",
      "  </appender>",
      "  <logger name=\"org.gaul.s3proxy\" level=\"INFO\"/>",
      "  <root level=\"WARN\"><appender-ref ref=\"OUT\"/></root>",
      "</configuration>", "");

  private final Path dir;
  private final Backend backend;
  private final int port;
  private final String accessKey;
  private final String secretKey;
  private volatile Process process;
  private final int securePort;
  private final Path caCertificate;
  private final Thread shutdownHook;
  private volatile S3Client client;
  private volatile boolean closed;

  private LocalS3(Path dir, Backend backend, int port, String accessKey, String secretKey, Process process,
      int securePort, Path caCertificate) {
    this.securePort = securePort;
    this.caCertificate = caCertificate;
    this.dir = dir;
    this.backend = backend;
    this.port = port;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.process = process;
    this.shutdownHook = new Thread(this::stopQuietly, "local-s3-shutdown");
  }

  /** Starts S3Proxy with the backend from DR_S3_BACKEND (default filesystem). */
  public static LocalS3 start(Path dir) throws IOException {
    return start(dir, Backend.fromConfig());
  }

  /** Starts S3Proxy in a child JVM with the given backend on a free port of 127.0.0.1. */
  public static LocalS3 start(Path dir, Backend backend) throws IOException {
    return start(dir, backend, false);
  }

  /**
   * Starts S3Proxy (backend from DR_S3_BACKEND) serving HTTP and HTTPS ({@link
   * #secureEndpoint()}, certificate {@link #caCertificate()}).
   */
  public static LocalS3 startWithTls(Path dir) throws IOException {
    return start(dir, Backend.fromConfig(), true);
  }

  private static LocalS3 start(Path dir, Backend backend, boolean tls) throws IOException {
    Path base = dir.toAbsolutePath().normalize();
    Files.createDirectories(base);
    Properties keys = loadOrCreateKeys(base.resolve("credentials.properties"));
    String ak = keys.getProperty("accessKey");
    String sk = keys.getProperty("secretKey");
    Files.createDirectories(base.resolve("data"));

    Path keystore = tls ? keystore(base.resolve("tls")) : null;
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = Procs.freePort();
      int securePort = tls ? Procs.freePort() : -1;
      Process proc = launch(base, backend, port, ak, sk, securePort);
      LocalS3 s3 = new LocalS3(base, backend, port, ak, sk, proc, securePort,
          tls ? keystore.resolveSibling("ca.pem") : null);
      Runtime.getRuntime().addShutdownHook(s3.shutdownHook);
      if (awaitPort(proc, port, securePort)) {
        return s3;
      }
      s3.close();
      last = notUp(proc, port, base.resolve("s3proxy.log"));
      if (!last.getMessage().contains("Address already in use")
          && !last.getMessage().contains("BindException")) {
        break;
      }
    }
    throw last;
  }

  /**
   * Starts the S3Proxy child JVM on {@code port} with the keys and backend given; with a {@code
   * securePort} (not -1) also HTTPS there, with the keystore of {@code base/tls}.
   */
  private static Process launch(Path base, Backend backend, int port, String ak, String sk,
      int securePort) throws IOException {
    Path data = base.resolve("data");
    Path log = base.resolve("s3proxy.log");
    Path propsFile = base.resolve("s3proxy.properties");
    Properties p = new Properties();
    p.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    p.setProperty("s3proxy.identity", ak);
    p.setProperty("s3proxy.credential", sk);
    // the SDK's checksum/trailer headers and TransferManager headers are not all known to S3Proxy
    p.setProperty("s3proxy.ignore-unknown-headers", "true");
    p.setProperty("jclouds.provider", backend.provider());
    p.setProperty("jclouds.identity", ak);
    p.setProperty("jclouds.credential", sk);
    p.setProperty("jclouds.filesystem.basedir", data.toString());
    p.setProperty("jclouds.region", REGION);
    if (securePort >= 0) {
      p.setProperty("s3proxy.secure-endpoint", "https://127.0.0.1:" + securePort);
      p.setProperty("s3proxy.keystore-path", base.resolve("tls").resolve("keystore.jks").toString());
      p.setProperty("s3proxy.keystore-password", KEYSTORE_PASSWORD);
    }
    try (OutputStream out = Files.newOutputStream(propsFile)) {
      p.store(out, "written by io.drorch.local.LocalS3");
    }
    Files.setPosixFilePermissions(propsFile, PosixFilePermissions.fromString("rw-------"));

    Path logback = base.resolve("s3proxy-logback.xml");
    Files.writeString(logback, CHILD_LOGBACK, StandardCharsets.UTF_8);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(backend == Backend.TRANSIENT ? "-Xmx1g" : "-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xss512k");
    cmd.add("-Djava.net.preferIPv4Stack=true");
    cmd.add("-Dlogback.configurationFile=" + logback);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.gaul.s3proxy.Main");
    cmd.add("--properties");
    cmd.add(propsFile.toString());
    return Procs.startLogged(cmd, base, log, "=== LocalS3 start " + java.time.Instant.now()
        + " port " + port + " backend " + backend.provider());
  }

  /**
   * True once the port (and the {@code securePort}, unless -1) answers (within 60 s), false when
   * the child died or never opened it.
   */
  private static boolean awaitPort(Process proc, int port, int securePort) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && proc.isAlive()) {
      if (Procs.portAnswers(port) && (securePort < 0 || Procs.portAnswers(securePort))) {
        return true;
      }
      sleep(50);
    }
    return false;
  }

  private static IOException notUp(Process proc, int port, Path log) {
    return new IOException((proc.isAlive() ? "S3Proxy did not open port " + port + " within 60 s"
        : "S3Proxy exited with code " + proc.exitValue() + " before opening port " + port)
        + "\n" + Procs.fileTail(log, 40));
  }

  /**
   * Kills the server (SIGKILL: clients see refused connections from now on) without closing this
   * instance; {@link #startServer()} brings it back on the same port and directory. For fault
   * tests: "the S3 server is down for 30 s".
   */
  public synchronized void stopServer() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts the server again after {@link #stopServer()} on the same port (the filesystem backend
   * keeps every object; the in-memory one starts empty); fails when the port was taken meanwhile.
   */
  public synchronized void startServer() throws IOException {
    if (closed) {
      throw new IllegalStateException("closed: " + this);
    }
    if (process.isAlive()) {
      return;
    }
    Process proc = launch(dir, backend, port, accessKey, secretKey, securePort);
    process = proc;
    if (!awaitPort(proc, port, securePort)) {
      proc.destroyForcibly();
      throw notUp(proc, port, dir.resolve("s3proxy.log"));
    }
  }

  /** The server's own process, when it runs as one (for pid files); empty in-process. */
  /** The HTTPS endpoint, e.g. {@code https://127.0.0.1:PORT}; only after {@link #startWithTls}. */
  public String secureEndpoint() {
    if (securePort < 0) {
      throw new IllegalStateException("this LocalS3 was started without TLS (use startWithTls)");
    }
    return "https://127.0.0.1:" + securePort;
  }

  /** The self-signed certificate of {@link #secureEndpoint()} as PEM (trust it as the CA). */
  public Path caCertificate() {
    if (caCertificate == null) {
      throw new IllegalStateException("this LocalS3 was started without TLS (use startWithTls)");
    }
    return caCertificate;
  }

  public synchronized java.util.Optional<ProcessHandle> processHandle() {
    return process == null ? java.util.Optional.empty() : java.util.Optional.of(process.toHandle());
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  public Backend backend() {
    return backend;
  }

  /** True for the in-memory backend, the only S3Proxy backend that implements bucket versioning. */
  public boolean supportsVersioning() {
    return backend == Backend.TRANSIENT;
  }

  public String region() {
    return REGION;
  }

  public Path dir() {
    return dir;
  }

  public AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
  }

  /** A shared client: path-style, us-east-1, checksums only when required (S3Proxy drops them). */
  public S3Client client() {
    S3Client c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          c = newClient(credentials());
          client = c;
        }
      }
    }
    return c;
  }

  /** A new client with other credentials (e.g. to check that a wrong secret is rejected). */
  public S3Client newClient(AwsCredentialsProvider creds) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.of(REGION))
        .credentialsProvider(creds)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(ApacheHttpClient.builder()
            .maxConnections(16)
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofMinutes(2)))
        .build();
  }

  /** Creates the bucket unless it exists. */
  public void createBucket(String bucket) {
    S3Client c = client();
    try {
      c.headBucket(b -> b.bucket(bucket));
      return;
    } catch (NoSuchBucketException e) {
      // create below
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw e;
      }
    }
    try {
      c.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      // created concurrently
    } catch (S3Exception e) {
      if (e.statusCode() != 409) {
        throw e;
      }
    }
  }

  /** Kills the child JVM. */
  @Override
  public void close() {
    stopQuietly();
    Procs.removeShutdownHook(shutdownHook);
  }

  @Override
  public String toString() {
    return "LocalS3[" + endpoint() + ", backend=" + backend.provider() + ", dir=" + dir + "]";
  }

  private synchronized void stopQuietly() {
    if (closed) {
      return;
    }
    closed = true;
    S3Client c = client;
    if (c != null) {
      c.close();
    }
    Procs.stop(process, 5);
  }

  private static Properties loadOrCreateKeys(Path file) throws IOException {
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (var in = Files.newInputStream(file)) {
        p.load(in);
      }
      if (p.getProperty("accessKey") != null && p.getProperty("secretKey") != null) {
        return p;
      }
    }
    p.setProperty("accessKey", "DR" + Procs.randomToken(18).toUpperCase(Locale.ROOT));
    p.setProperty("secretKey", Procs.randomToken(40));
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "LocalS3 key pair (throwaway, local only)");
    }
    return p;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final String KEYSTORE_PASSWORD = "local-s3-tls";

  /**
   * A keystore with a self-signed RSA certificate for 127.0.0.1 (made once per dir with the JDK's
   * keytool), and its certificate as {@code ca.pem} beside it. 127.0.0.1 is also a DNS name in
   * the certificate: pgBackRest 2.45 matches the endpoint against DNS names only (not IP SANs).
   */
  private static Path keystore(Path tlsDir) throws IOException {
    Files.createDirectories(tlsDir);
    Path ks = tlsDir.resolve("keystore.jks");
    Path pem = tlsDir.resolve("ca.pem");
    if (Files.exists(ks) && Files.exists(pem)) {
      return ks;
    }
    Files.deleteIfExists(ks);
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Procs.run(List.of(keytool, "-genkeypair", "-alias", "s3", "-keyalg", "RSA", "-keysize", "2048",
        "-validity", "3650", "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost,DNS:127.0.0.1",
        "-keystore", ks.toString(), "-storetype", "JKS", "-storepass", KEYSTORE_PASSWORD,
        "-keypass", KEYSTORE_PASSWORD), tlsDir, null, 120);
    Procs.run(List.of(keytool, "-exportcert", "-rfc", "-alias", "s3", "-keystore", ks.toString(),
        "-storepass", KEYSTORE_PASSWORD, "-file", pem.toString()), tlsDir, null, 60);
    return ks;
  }
}
