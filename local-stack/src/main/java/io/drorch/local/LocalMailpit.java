package io.drorch.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mailpit, a real SMTP server with an HTTP API to read back what it received, on free ports of
 * 127.0.0.1 with its own database file in {@code dir}: for tests of the e-mail notification
 * channel. Optionally STARTTLS (required, with a self-signed certificate for 127.0.0.1 made here
 * with the JDK's {@code keytool}: {@link #trustingSocketFactory()} trusts exactly it) and SMTP AUTH
 * against one user and password (a wrong password is refused).
 *
 * <p>The binary: env {@code DR_MAILPIT}, then {@code mailpit} on PATH, then {@code $GOPATH/bin} and
 * {@code ~/go/bin} ({@code scripts/ensure-tools.sh} builds it with {@code go install
 * github.com/axllent/mailpit@v1.33.1}). Its output goes to {@code dir/mailpit.log}.
 */
public final class LocalMailpit implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  public static final String INSTALL =
      "go install github.com/axllent/mailpit@v1.33.1 (scripts/ensure-tools.sh does it)";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param startTls require STARTTLS (with a certificate made for 127.0.0.1)
   * @param user SMTP AUTH user (null: no authentication; Mailpit accepts anything)
   * @param password the user's password
   */
  public record Options(boolean startTls, String user, String password) {
    public static Options plain() {
      return new Options(false, null, null);
    }
  }

  private final Process process;
  private final int smtpPort;
  private final int httpPort;
  private final SSLSocketFactory trusting;
  private final Thread shutdownHook;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private LocalMailpit(Process process, int smtpPort, int httpPort, SSLSocketFactory trusting) {
    this.process = process;
    this.smtpPort = smtpPort;
    this.httpPort = httpPort;
    this.trusting = trusting;
    this.shutdownHook = new Thread(() -> Procs.stop(process, 2), "mailpit-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  public static LocalMailpit start(Path dir, Options options) throws IOException {
    Path bin = binary().orElseThrow(() -> new IOException("no mailpit binary (env DR_MAILPIT,"
        + " PATH, $GOPATH/bin, ~/go/bin); install it: " + INSTALL));
    Path base = dir.toAbsolutePath().normalize();
    Files.createDirectories(base);
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int smtp = Procs.freePort();
      int web = Procs.freePort();
      List<String> cmd = new ArrayList<>(List.of(bin.toString(),
          "--database", base.resolve("mailpit-" + smtp + ".db").toString(),
          "--listen", HOST + ":" + web, "--smtp", HOST + ":" + smtp,
          "--smtp-disable-rdns", "--tags-username"));
      SSLSocketFactory trusting = null;
      if (options.startTls()) {
        trusting = certificate(base, cmd);
        cmd.add("--smtp-require-starttls");
      }
      if (options.user() != null) {
        Path auth = base.resolve("smtp-auth");
        Files.writeString(auth, options.user() + ":" + options.password() + "\n");
        cmd.addAll(List.of("--smtp-auth-file", auth.toString()));
      }
      Process p = Procs.startLogged(cmd, base, base.resolve("mailpit.log"),
          "== " + String.join(" ", cmd));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline && p.isAlive()
          && !(Procs.portAnswers(smtp) && Procs.portAnswers(web))) {
        sleep(50);
      }
      if (p.isAlive() && Procs.portAnswers(smtp) && Procs.portAnswers(web)) {
        return new LocalMailpit(p, smtp, web, trusting);
      }
      Procs.stop(p, 5);
      last = new IOException("mailpit did not start on ports " + smtp + "/" + web
          + " (attempt " + attempt + "); see " + base.resolve("mailpit.log"));
    }
    throw last;
  }

  public int smtpPort() {
    return smtpPort;
  }

  /** The HTTP API's base, e.g. {@code http://127.0.0.1:PORT/api/v1}. */
  public String apiUrl() {
    return "http://" + HOST + ":" + httpPort + "/api/v1";
  }

  /** TLS sockets that trust exactly this server's certificate (null without STARTTLS). */
  public SSLSocketFactory trustingSocketFactory() {
    return trusting;
  }

  /** The summaries of the received messages, newest first ({@code GET /api/v1/messages}). */
  public List<JsonNode> messages() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    get("/messages").path("messages").forEach(out::add);
    return out;
  }

  /** One message: From, To, Cc, Bcc, Subject, Text, … ({@code GET /api/v1/message/ID}). */
  public JsonNode message(String id) throws IOException {
    return get("/message/" + id);
  }

  /** Waits until at least {@code count} messages arrived; returns their summaries. */
  public List<JsonNode> awaitMessages(int count, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonNode> got = messages();
    while (got.size() < count && System.nanoTime() < deadline) {
      sleep(100);
      got = messages();
    }
    return got;
  }

  /** Deletes every message ({@code DELETE /api/v1/messages}). */
  public void deleteAll() throws IOException {
    send(HttpRequest.newBuilder(URI.create(apiUrl() + "/messages")).DELETE());
  }

  private JsonNode get(String path) throws IOException {
    return JSON.readTree(send(HttpRequest.newBuilder(URI.create(apiUrl() + path)).GET()));
  }

  private String send(HttpRequest.Builder b) throws IOException {
    try {
      HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() / 100 != 2) {
        throw new IOException("mailpit API answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    Procs.removeShutdownHook(shutdownHook);
    Procs.stop(process, 5);
  }

  /** env DR_MAILPIT, then PATH, then $GOPATH/bin, then ~/go/bin. */
  static Optional<Path> binary() {
    List<Path> candidates = new ArrayList<>();
    String env = System.getenv("DR_MAILPIT");
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        if (!d.isEmpty()) {
          candidates.add(Path.of(d, "mailpit"));
        }
      }
    }
    String gopath = System.getenv("GOPATH");
    if (gopath != null && !gopath.isBlank()) {
      candidates.add(Path.of(gopath.split(File.pathSeparator)[0], "bin", "mailpit"));
    }
    candidates.add(Path.of(System.getProperty("user.home"), "go", "bin", "mailpit"));
    return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  /**
   * Makes a key pair and self-signed certificate for 127.0.0.1/localhost with keytool, writes them
   * as PEM for mailpit (adding its TLS options to {@code cmd}) and returns sockets trusting it.
   */
  private static SSLSocketFactory certificate(Path dir, List<String> cmd) throws IOException {
    Path store = dir.resolve("smtp-tls.p12");
    Files.deleteIfExists(store);
    char[] pass = Procs.randomToken(16).toCharArray();
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Procs.run(List.of(keytool.toString(), "-genkeypair", "-alias", "smtp", "-keyalg", "RSA",
        "-keysize", "2048", "-dname", "CN=" + HOST, "-ext", "SAN=IP:" + HOST + ",DNS:localhost",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", new String(pass)), dir, null, 60);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, pass);
      }
      Key key = ks.getKey("smtp", pass);
      Certificate cert = ks.getCertificate("smtp");
      Path certPem = dir.resolve("smtp-cert.pem");
      Path keyPem = dir.resolve("smtp-key.pem");
      Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
      Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
      cmd.addAll(List.of("--smtp-tls-cert", certPem.toString(), "--smtp-tls-key", keyPem.toString()));
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("mailpit", cert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make the SMTP test certificate: " + e, e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
