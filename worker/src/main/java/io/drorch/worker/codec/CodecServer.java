package io.drorch.worker.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.temporal.api.common.v1.Payloads;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporal's remote codec protocol over HTTP, so the Web UI (and {@code temporal … --codec-endpoint})
 * shows decrypted payloads to those who can reach it — the keys never leave this process.
 *
 * <ul>
 *   <li>{@code POST …/decode} and {@code POST …/encode}: body and answer
 *       {@code {"payloads":[{"metadata":{"encoding":"<base64>",…},"data":"<base64>"}]}} (the JSON
 *       form of {@code temporal.api.common.v1.Payloads}); header {@code X-Namespace} accepted.
 *   <li>CORS for the allowed origins only (the Web UI's, exactly): the preflight {@code OPTIONS}
 *       answers {@code Access-Control-Allow-Headers: Content-Type, X-Namespace, Authorization},
 *       and every answer to an allowed origin carries {@code Access-Control-Allow-Origin} (that
 *       origin, never {@code *}) and {@code Access-Control-Allow-Credentials: true}. A request
 *       from another origin is refused (403); one without an Origin (a CLI) is served.
 *   <li>With a token: {@code Authorization: Bearer TOKEN} is required on POST (compared in
 *       constant time), else 401. Preflights carry no credentials and are not checked.
 *   <li>A payload that cannot be decoded (unknown key id, altered ciphertext) fails the request
 *       with 400 and the reason.
 * </ul>
 * Uses the JDK's {@code com.sun.net.httpserver}; bounded: 4 threads, 16 MiB per request.
 */
public final class CodecServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 8888;
  static final int MAX_BODY = 16 * 1024 * 1024;
  static final String ALLOW_HEADERS = "Content-Type, X-Namespace, Authorization";
  private static final Logger log = LoggerFactory.getLogger(CodecServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final EncryptionCodec codec;
  private final Set<String> origins = ConcurrentHashMap.newKeySet();
  private final byte[] token;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicLong browserDecodes =
      new java.util.concurrent.atomic.AtomicLong();

  private CodecServer(HttpServer server, ExecutorService executor, EncryptionCodec codec,
      String token) {
    this.server = server;
    this.executor = executor;
    this.codec = codec;
    this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Serves on {@code host:port} (port 0: a free one). {@code token} null or empty: no token.
   * Throws {@link IllegalStateException} naming the port when it cannot bind.
   */
  public static CodecServer start(String host, int port, PayloadKeys keys,
      Collection<String> allowedOrigins, String token) {
    EncryptionCodec codec = new EncryptionCodec(keys);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot serve the codec server on " + host + ":" + port
          + " (" + e.getMessage() + "): choose another --port", e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "dr-codec-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    CodecServer cs = new CodecServer(server, executor, codec, token);
    allowedOrigins.forEach(cs::allowOrigin);
    server.setExecutor(executor);
    server.createContext("/", cs::handle);
    server.start();
    return cs;
  }

  /** Lets the Web UI at {@code origin} (e.g. {@code http://127.0.0.1:8233}) call us. */
  public void allowOrigin(String origin) {
    origins.add(normalize(origin));
  }

  public Set<String> allowedOrigins() {
    return Set.copyOf(origins);
  }

  /** How many /decode requests a browser (a request with an allowed Origin) got answered. */
  public long browserDecodes() {
    return browserDecodes.get();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The endpoint to give the UI ({@code --ui-codec-endpoint}, TEMPORAL_CODEC_ENDPOINT). */
  public String url() {
    String host = server.getAddress().getHostString();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
      host = "127.0.0.1";
    }
    return "http://" + host + ":" + port();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String origin = ex.getRequestHeaders().getFirst("Origin");
      if (origin != null) {
        if (!origins.contains(normalize(origin))) {
          log.warn("codec request from origin {} refused; allowed: {}", origin, origins);
          send(ex, 403, "origin " + origin + " is not allowed (dr codec-server --allow-origin "
              + origin + ")");
          return;
        }
        ex.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
        ex.getResponseHeaders().set("Access-Control-Allow-Credentials", "true");
        ex.getResponseHeaders().add("Vary", "Origin");
      }
      String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
      String path = ex.getRequestURI().getPath();
      boolean decode = path.endsWith("/decode");
      boolean encode = path.endsWith("/encode");
      if (!decode && !encode) {
        send(ex, 404, "POST /decode or /encode (Temporal's remote codec protocol)");
        return;
      }
      if (method.equals("OPTIONS")) {
        ex.getResponseHeaders().set("Access-Control-Allow-Methods", "POST, OPTIONS");
        ex.getResponseHeaders().set("Access-Control-Allow-Headers", ALLOW_HEADERS);
        ex.getResponseHeaders().set("Access-Control-Max-Age", "600");
        ex.sendResponseHeaders(204, -1);
        return;
      }
      if (!method.equals("POST")) {
        ex.getResponseHeaders().set("Allow", "POST, OPTIONS");
        send(ex, 405, "POST only");
        return;
      }
      if (token != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        send(ex, 401, "a valid `Authorization: Bearer TOKEN` header is required");
        return;
      }
      byte[] body = readBounded(ex.getRequestBody());
      if (body == null) {
        send(ex, 413, "request larger than " + MAX_BODY + " bytes");
        return;
      }
      Payloads.Builder in = Payloads.newBuilder();
      try {
        JsonFormat.parser().ignoringUnknownFields().merge(
            new String(body, StandardCharsets.UTF_8), in);
      } catch (InvalidProtocolBufferException e) {
        send(ex, 400, "not a JSON {\"payloads\":[…]} body: " + e.getMessage());
        return;
      }
      Payloads out;
      try {
        out = Payloads.newBuilder().addAllPayloads(decode
            ? codec.decode(in.getPayloadsList()) : codec.encode(in.getPayloadsList())).build();
      } catch (PayloadCodecException e) {
        log.warn("codec {} for namespace {} failed: {}", decode ? "decode" : "encode",
            ex.getRequestHeaders().getFirst("X-Namespace"), e.getMessage());
        send(ex, 400, e.getMessage());
        return;
      }
      if (decode && origin != null) {
        browserDecodes.incrementAndGet();
      }
      log.debug("codec {} of {} payload(s) for namespace {}", decode ? "decode" : "encode",
          in.getPayloadsCount(), ex.getRequestHeaders().getFirst("X-Namespace"));
      byte[] json = JsonFormat.printer().omittingInsignificantWhitespace().print(out)
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, json.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(json);
      }
    } catch (RuntimeException e) {
      log.error("codec server request failed", e);
      throw e;
    }
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[64 * 1024];
    int n;
    while ((n = in.read(chunk)) > 0) {
      if (buf.size() + n > MAX_BODY) {
        return null;
      }
      buf.write(chunk, 0, n);
    }
    return buf.toByteArray();
  }

  private static void send(HttpExchange ex, int status, String text) throws IOException {
    byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  private static String normalize(String origin) {
    String o = origin.strip();
    while (o.endsWith("/")) {
      o = o.substring(0, o.length() - 1);
    }
    return o.toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
