package io.drorch.starter;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TLS endpoint in front of a plaintext Temporal frontend, as a secured cluster or Temporal Cloud
 * looks to a client: Debian's nginx ({@code listen … ssl http2; grpc_pass}), its own config, pid
 * and log files in {@code dir}, on free ports, started in the foreground as our child (never as a
 * system service). Two ports: {@link #tlsPort()} (server certificate only) and
 * {@link #mtlsPort()} (a client certificate signed by the test CA is required).
 *
 * <p>The certificates are made here with openssl: a CA, a server certificate for
 * {@code localhost} and {@code 127.0.0.1}, a client certificate; PEM, keys in PKCS#8 (what the
 * SDK's TLS reads). Fails, not skips, when nginx or openssl is missing (scripts/ensure-tools.sh
 * installs them).
 */
public final class TlsTerminator implements AutoCloseable {
  private final Process nginx;
  private final Path dir;
  private final int tlsPort;
  private final int mtlsPort;

  private TlsTerminator(Process nginx, Path dir, int tlsPort, int mtlsPort) {
    this.nginx = nginx;
    this.dir = dir;
    this.tlsPort = tlsPort;
    this.mtlsPort = mtlsPort;
  }

  public static TlsTerminator start(Path dir, String grpcTarget) throws Exception {
    Files.createDirectories(dir);
    Path nginxBin = find("nginx", "DR_NGINX", "/usr/sbin/nginx");
    Path openssl = find("openssl", "DR_OPENSSL", "/usr/bin/openssl");
    makeCertificates(openssl, dir);
    int tls = freePort();
    int mtls = freePort();
    Path conf = dir.resolve("nginx.conf");
    String server = """
          server {
            listen 127.0.0.1:%d ssl http2;
            ssl_certificate %s;
            ssl_certificate_key %s;
            %s
            location / {
              grpc_pass grpc://%s;
              grpc_read_timeout 300s;
              grpc_send_timeout 300s;
            }
          }
        """;
    String s1 = server.formatted(tls, dir.resolve("server.pem"), dir.resolve("server.key"), "",
        grpcTarget);
    String s2 = server.formatted(mtls, dir.resolve("server.pem"), dir.resolve("server.key"),
        "ssl_client_certificate " + dir.resolve("ca.pem") + "; ssl_verify_client on;", grpcTarget);
    Files.writeString(conf, """
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log info;
        events { worker_connections 512; }
        http {
          access_log off;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          client_max_body_size 64m;
          keepalive_requests 1000000;
          keepalive_timeout 600s;
          client_body_timeout 300s;
        %2$s
        %3$s
        }
        """.formatted(dir, s1, s2));
    Path log = dir.resolve("nginx.out");
    Process p = new ProcessBuilder(List.of(nginxBin.toString(), "-c", conf.toString(), "-p",
        dir.toString(), "-e", dir.resolve("error.log").toString(), "-g", "daemon off;"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    TlsTerminator t = new TlsTerminator(p, dir, tls, mtls);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!(answers(tls) && answers(mtls))) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        t.close();
        throw new IOException("nginx did not start (exit " + (p.isAlive() ? "-" : p.exitValue())
            + "):\n" + Files.readString(log) + "\n" + tail(dir.resolve("error.log")));
      }
      Thread.sleep(50);
    }
    return t;
  }

  public int tlsPort() {
    return tlsPort;
  }

  public int mtlsPort() {
    return mtlsPort;
  }

  public String tlsAddress() {
    return "127.0.0.1:" + tlsPort;
  }

  public String mtlsAddress() {
    return "127.0.0.1:" + mtlsPort;
  }

  public Path caCert() {
    return dir.resolve("ca.pem");
  }

  public Path clientCert() {
    return dir.resolve("client.pem");
  }

  public Path clientKey() {
    return dir.resolve("client.key");
  }

  public String errorLog() {
    return tail(dir.resolve("error.log"));
  }

  @Override
  public void close() throws InterruptedException {
    if (nginx.isAlive()) {
      nginx.destroy(); // SIGTERM: nginx stops its workers and exits
      if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
        nginx.destroyForcibly().waitFor();
      }
    }
  }

  private static void makeCertificates(Path openssl, Path dir) throws Exception {
    String ec = "ec_paramgen_curve:P-256";
    run(dir, openssl.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=dr-test-ca");
    Files.writeString(dir.resolve("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
    for (String who : List.of("server", "client")) {
      run(dir, openssl.toString(), "req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout",
          who + ".key", "-out", who + ".csr", "-subj", "/CN=" + (who.equals("server")
              ? "localhost" : "dr-worker"));
      run(dir, openssl.toString(), "x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey",
          "ca.key", "-CAcreateserial", "-out", who + ".pem", "-days", "2", "-extfile",
          who + ".ext");
    }
  }

  private static void run(Path dir, String... cmd) throws Exception {
    Path out = Files.createTempFile("dr-openssl-", ".out");
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " failed:\n" + Files.readString(out));
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** env {@code envName}, then {@code fallback}, then PATH; fails naming ensure-tools.sh. */
  public static Path find(String name, String envName, String fallback) {
    String env = System.getenv(envName);
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
      return Path.of(env);
    }
    if (Files.isExecutable(Path.of(fallback))) {
      return Path.of(fallback);
    }
    String path = System.getenv("PATH");
    for (String d : path == null ? new String[0] : path.split(File.pathSeparator)) {
      Path p = d.isEmpty() ? null : Path.of(d, name);
      if (p != null && Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(name + " not found (env " + envName + ", " + fallback + ", PATH):"
        + " run scripts/ensure-tools.sh");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", new ArrayList<>(lines.subList(Math.max(0, lines.size() - 30),
          lines.size())));
    } catch (IOException e) {
      return "(no " + file + ")";
    }
  }
}
