package io.drorch.worker;

import com.uber.m3.tally.Scope;
import io.drorch.worker.codec.PayloadEncryption;
import io.drorch.worker.codec.PayloadKeys;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.ClientConfigTLS;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Where Temporal is and how to talk to it: the one place the connection settings are read, for
 * the worker and for every {@code dr} command.
 *
 * <p>Settings come from Temporal's environment configuration (the SDK's envconfig, the same
 * names and meaning as the {@code temporal} CLI, so one environment serves all three):
 * {@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY},
 * {@code TEMPORAL_TLS}, {@code TEMPORAL_TLS_CLIENT_CERT_PATH}, {@code TEMPORAL_TLS_CLIENT_KEY_PATH},
 * {@code TEMPORAL_TLS_SERVER_CA_CERT_PATH}, {@code TEMPORAL_TLS_SERVER_NAME},
 * {@code TEMPORAL_TLS_DISABLE_HOST_VERIFICATION}, {@code TEMPORAL_GRPC_META_*}, on top of the
 * profile {@code TEMPORAL_PROFILE} (default "default") of the TOML file {@code TEMPORAL_CONFIG_FILE}
 * (default {@code ~/.config/temporalio/temporal.toml}). The CLI's {@code --address},
 * {@code --namespace} and {@code --profile} win over both. Unset: 127.0.0.1:7233, namespace
 * "default", no TLS. An API key switches TLS on (unless TLS is disabled explicitly) and sends the
 * namespace header Temporal Cloud routes on.
 *
 * <p>The payload keys ({@link PayloadKeys}: {@code DR_PAYLOAD_KEYS} / {@code DR_PAYLOAD_KEY}) are
 * read here too: every client built here encrypts with the same {@link #dataConverter()}.
 *
 * <p>Errors: a missing profile, an unreadable certificate or key file, an endpoint that does not
 * answer, a TLS mismatch or refused credentials are one {@link IllegalStateException} whose
 * message says what is wrong and which variable to set.
 */
public final class TemporalConnection {
  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";
  private static final Metadata.Key<String> NAMESPACE_HEADER =
      Metadata.Key.of("temporal-namespace", Metadata.ASCII_STRING_MARSHALLER);

  /** How long {@link #connect()} retries a health check that missed its deadline. */
  static final java.time.Duration CONNECT_PATIENCE = java.time.Duration.ofSeconds(10);

  private final ClientConfigProfile profile;
  private final String address;
  private final String namespace;
  private final String origin;
  private final PayloadKeys keys;
  private final DataConverter dataConverter;

  private TemporalConnection(ClientConfigProfile profile, String address, String namespace,
      String origin, PayloadKeys keys) {
    this.profile = profile;
    this.address = address;
    this.namespace = namespace;
    this.origin = origin;
    this.keys = keys;
    this.dataConverter = PayloadEncryption.dataConverter(keys);
  }

  /** The worker's settings: this process's environment (and its temporal.toml profile). */
  public static TemporalConnection fromEnvironment() {
    return load(System.getenv(), null, null, null);
  }

  /**
   * Settings from {@code env} (and the temporal.toml profile it points to), with the command
   * line's {@code address}, {@code namespace} and {@code profileName} (each null when not given)
   * on top.
   */
  public static TemporalConnection load(Map<String, String> env, String address, String namespace,
      String profileName) {
    LoadClientConfigProfileOptions.Builder options =
        LoadClientConfigProfileOptions.newBuilder().setEnvOverrides(env);
    if (profileName != null && !profileName.isBlank()) {
      options.setConfigFileProfile(profileName.strip());
    }
    ClientConfigProfile loaded;
    try {
      loaded = ClientConfigProfile.load(options.build());
    } catch (IOException | RuntimeException e) {
      String file = blankToNull(env.get("TEMPORAL_CONFIG_FILE"));
      String profile = profileName != null ? profileName : env.get("TEMPORAL_PROFILE");
      throw new IllegalStateException("Temporal connection settings: "
          + (file == null ? "the temporal.toml file (~/.config/temporalio/temporal.toml)"
              : "TEMPORAL_CONFIG_FILE=" + file)
          + (profile == null ? "" : ", profile '" + profile + "'") + ": " + e.getMessage()
          + ". Fix the file, or set TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE (--profile) to an"
          + " existing file and profile.", e);
    }
    ClientConfigProfile.Builder b = loaded.toBuilder();
    List<String> from = new ArrayList<>();
    String chosen = profileName != null ? profileName : blankToNull(env.get("TEMPORAL_PROFILE"));
    if (address != null && !address.isBlank()) {
      b.setAddress(address.strip());
      from.add("--address");
    } else if (blankToNull(env.get("TEMPORAL_ADDRESS")) != null) {
      from.add("TEMPORAL_ADDRESS");
    } else if (blankToNull(loaded.getAddress()) != null) {
      from.add("temporal.toml profile '" + (chosen == null ? "default" : chosen) + "'");
    }
    if (chosen != null && from.stream().noneMatch(f -> f.startsWith("temporal.toml"))) {
      from.add("profile '" + chosen + "'");
    }
    if (namespace != null && !namespace.isBlank()) {
      b.setNamespace(namespace.strip());
    }
    ClientConfigProfile p = b.build();
    String addr = blankToNull(p.getAddress());
    String ns = blankToNull(p.getNamespace());
    return new TemporalConnection(p, addr == null ? DEFAULT_ADDRESS : addr,
        ns == null ? DEFAULT_NAMESPACE : ns, from.isEmpty() ? "defaults" : String.join(", ", from),
        PayloadKeys.from(env));
  }

  /** A plain (no TLS, no API key) connection to {@code address}: the local stack. No payload keys. */
  public static TemporalConnection of(String address, String namespace) {
    String addr = address == null || address.isBlank() ? DEFAULT_ADDRESS : address;
    String ns = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
    return new TemporalConnection(
        ClientConfigProfile.newBuilder().setAddress(addr).setNamespace(ns).build(), addr, ns,
        "given", PayloadKeys.none());
  }

  /** The same connection, encrypting payloads with {@code keys}. */
  public TemporalConnection withPayloadKeys(PayloadKeys keys) {
    return new TemporalConnection(profile, address, namespace, origin, keys);
  }

  public String address() {
    return address;
  }

  public String namespace() {
    return namespace;
  }

  /** TLS is used: asked for, implied by a certificate setting or by an API key. */
  public boolean tls() {
    ClientConfigTLS t = profile.getTls();
    if (t != null) {
      return !Boolean.TRUE.equals(t.isDisabled());
    }
    return apiKey();
  }

  public boolean apiKey() {
    return profile.getApiKey() != null && !profile.getApiKey().isEmpty();
  }

  public PayloadKeys payloadKeys() {
    return keys;
  }

  /** The converter of every client built here (encrypting when keys are configured). */
  public DataConverter dataConverter() {
    return dataConverter;
  }

  /** For logs and errors: address, namespace, TLS, API key (never its value). */
  public String describe() {
    ClientConfigTLS t = profile.getTls();
    String tlsText = !tls() ? "no TLS" : "TLS"
        + (t != null && t.getClientCertPath() != null ? " with client certificate" : "")
        + (t != null && t.getServerCACertPath() != null ? ", CA " + t.getServerCACertPath() : "")
        + (t != null && t.getServerName() != null ? ", server name " + t.getServerName() : "");
    return address + " (namespace " + namespace + ", " + tlsText + (apiKey() ? ", API key" : "")
        + "; from " + origin + ")";
  }

  public WorkflowServiceStubs connect() {
    return connect(null);
  }

  /**
   * Opens the connection and checks that the server answers; reports the SDK's metrics to
   * {@code metricsScope} when given.
   */
  public WorkflowServiceStubs connect(Scope metricsScope) {
    WorkflowServiceStubsOptions base;
    try {
      base = profile.toWorkflowServiceStubsOptions();
    } catch (RuntimeException e) {
      throw new IllegalStateException("Temporal connection settings for " + describe() + ": "
          + tlsFileProblem(e), e);
    }
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder(base)
        .setTarget(address);
    if (apiKey()) {
      // Temporal Cloud routes API-key requests on this header (harmless elsewhere)
      options.addGrpcMetadataProvider(() -> {
        Metadata m = new Metadata();
        m.put(NAMESPACE_HEADER, namespace);
        return m;
      });
    }
    if (metricsScope != null) {
      options.setMetricsScope(metricsScope);
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(options.build());
    try {
      awaitHealthy(service);
    } catch (RuntimeException e) {
      service.shutdownNow();
      throw new IllegalStateException("Cannot reach Temporal at " + describe() + ": "
          + diagnose(e), e);
    }
    return service;
  }

  /**
   * The first health check can miss its short deadline on a loaded machine (name resolution alone
   * took 0.8 s under load): a DEADLINE_EXCEEDED is asked again for up to {@link #CONNECT_PATIENCE};
   * anything else (refused, TLS, credentials) fails at once.
   */
  private static void awaitHealthy(WorkflowServiceStubs service) {
    long deadline = System.nanoTime() + CONNECT_PATIENCE.toNanos();
    long pause = 200;
    while (true) {
      try {
        service.healthCheck();
        return;
      } catch (io.grpc.StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.DEADLINE_EXCEEDED
            || System.nanoTime() + pause * 1_000_000 > deadline) {
          throw e;
        }
        try {
          Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pause = Math.min(pause * 2, 2000);
      }
    }
  }

  public WorkflowClient client(WorkflowServiceStubs service) {
    return WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(namespace).setDataConverter(dataConverter).build());
  }

  public ScheduleClient scheduleClient(WorkflowServiceStubs service) {
    return ScheduleClient.newInstance(service, ScheduleClientOptions.newBuilder()
        .setNamespace(namespace).setDataConverter(dataConverter).build());
  }

  // ---------------------------------------------------------------------------------------------

  private String tlsFileProblem(RuntimeException e) {
    ClientConfigTLS t = profile.getTls();
    Throwable c = e;
    while (c.getCause() != null && !(c instanceof IOException)) {
      c = c.getCause();
    }
    if (c instanceof NoSuchFileException nf && t != null) {
      String f = nf.getFile();
      String var = f.equals(t.getClientCertPath()) ? "TEMPORAL_TLS_CLIENT_CERT_PATH"
          : f.equals(t.getClientKeyPath()) ? "TEMPORAL_TLS_CLIENT_KEY_PATH"
          : f.equals(t.getServerCACertPath()) ? "TEMPORAL_TLS_SERVER_CA_CERT_PATH" : "a TLS path";
      return var + "=" + f + ": no such file. Set it to the PEM file, or unset it.";
    }
    return "the TLS settings cannot be used (" + rootMessage(e) + "). Check"
        + " TEMPORAL_TLS_CLIENT_CERT_PATH / TEMPORAL_TLS_CLIENT_KEY_PATH (PEM certificate and its"
        + " PKCS#8 PEM key, both or neither) and TEMPORAL_TLS_SERVER_CA_CERT_PATH (PEM).";
  }

  /** What went wrong, and what to set; probes the port when the message alone cannot tell. */
  String diagnose(Throwable e) {
    String all = messages(e);
    String lower = all.toLowerCase(java.util.Locale.ROOT);
    StatusRuntimeException sre = find(e, StatusRuntimeException.class);
    Status.Code code = sre == null ? null : sre.getStatus().getCode();
    String fix = "Set TEMPORAL_ADDRESS (or --address, or a temporal.toml profile) to the"
        + " frontend's host:port, with TEMPORAL_TLS=true and TEMPORAL_TLS_* or TEMPORAL_API_KEY"
        + " when the server needs them; locally start it (`temporal server start-dev`, or"
        + " `dr demo`).";
    if (find(e, UnknownHostException.class) != null || lower.contains("unresolved address")
        || lower.contains("unknownhost")) {
      return "the host name of " + address + " does not resolve (" + rootMessage(e) + "). " + fix;
    }
    if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
      return "the server refused our credentials (" + sre.getStatus() + "). "
          + (apiKey() ? "Check TEMPORAL_API_KEY (valid, not expired, for namespace " + namespace
              + ")." : "Set TEMPORAL_API_KEY, or a client certificate (TEMPORAL_TLS_CLIENT_CERT_PATH"
              + " and TEMPORAL_TLS_CLIENT_KEY_PATH) the server accepts.");
    }
    if (tls()) {
      if (lower.contains("not an ssl/tls record") || lower.contains("notsslrecord")) {
        return "the endpoint does not speak TLS (" + rootMessage(e) + "). Unset TEMPORAL_TLS"
            + " (and TEMPORAL_TLS_*, or set TEMPORAL_TLS=false), or point TEMPORAL_ADDRESS at"
            + " the server's TLS port.";
      }
      if (lower.contains("pkix") || lower.contains("certification path")
          || lower.contains("unable to find valid") || lower.contains("certificate_unknown")
          && !lower.contains("bad_certificate")) {
        return "the server's certificate is not trusted (" + rootMessage(e) + "). Set"
            + " TEMPORAL_TLS_SERVER_CA_CERT_PATH to the PEM file of the CA that signed it.";
      }
      if (lower.contains("subject alternative name") || lower.contains("no name matching")
          || lower.contains("hostname") && lower.contains("certificate")) {
        return "the server's certificate is not issued for " + host() + " (" + rootMessage(e)
            + "). Set TEMPORAL_TLS_SERVER_NAME to the name it is issued for.";
      }
      if (lower.contains("no required ssl certificate") || lower.contains("bad_certificate")
          || lower.contains("certificate_required") || lower.contains("http status code 400")
          || lower.contains("400 bad request")) {
        return "the server wants a client certificate we did not send or it did not accept ("
            + rootMessage(e) + "). Set TEMPORAL_TLS_CLIENT_CERT_PATH and"
            + " TEMPORAL_TLS_CLIENT_KEY_PATH to a certificate signed by a CA the server trusts.";
      }
    } else if (code == Status.Code.UNAVAILABLE || code == Status.Code.INTERNAL
        || code == Status.Code.UNKNOWN) {
      if (speaksTls()) {
        return "the endpoint speaks TLS and we connected without it (" + rootMessage(e) + ")."
            + " Set TEMPORAL_TLS=true (and TEMPORAL_TLS_SERVER_CA_CERT_PATH for a private CA,"
            + " TEMPORAL_TLS_CLIENT_CERT_PATH / _KEY_PATH for mTLS, or TEMPORAL_API_KEY).";
      }
    }
    if (code == Status.Code.DEADLINE_EXCEEDED) {
      return "no answer in time (" + sre.getStatus() + "). " + fix;
    }
    if (lower.contains("connection refused")) {
      return "nothing listens there (connection refused). " + fix;
    }
    return rootMessage(e) + ". " + fix;
  }

  /** Whether a TLS handshake succeeds at the address (any certificate): a plaintext mismatch. */
  private boolean speaksTls() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new AnyCertificate()}, null);
      try (Socket raw = new Socket()) {
        raw.connect(new InetSocketAddress(host(), port()), 2000);
        raw.setSoTimeout(2000);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host(), port(),
            false)) {
          s.startHandshake();
          return true;
        }
      }
    } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private String host() {
    int i = address.lastIndexOf(':');
    String h = i > 0 ? address.substring(0, i) : address;
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  private int port() {
    int i = address.lastIndexOf(':');
    try {
      return i > 0 ? Integer.parseInt(address.substring(i + 1)) : 7233;
    } catch (NumberFormatException e) {
      return 7233;
    }
  }

  private static final class AnyCertificate implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      // probe only: we send nothing over this connection
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      // probe only
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  private static String messages(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      sb.append(c.getClass().getName()).append(": ").append(c.getMessage()).append(" | ");
      if (c instanceof SSLException || sb.length() > 4000) {
        sb.append(String.valueOf(c.getCause()));
        break;
      }
    }
    return sb.toString();
  }

  /** One line: the gRPC status, the innermost cause, the title of an HTML error page. */
  private static String rootMessage(Throwable e) {
    StatusRuntimeException sre = find(e, StatusRuntimeException.class);
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String root = firstLine(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
    String s = root;
    if (sre != null && c != sre) {
      s = sre.getStatus().getCode() + (sre.getStatus().getDescription() == null ? ""
          : ": " + firstLine(sre.getStatus().getDescription()));
      if (!s.contains(root)) {
        s = s + "; " + root;
      }
    }
    java.util.regex.Matcher title =
        java.util.regex.Pattern.compile("<title>([^<]{1,200})</title>").matcher(messages(e));
    if (title.find()) {
      s = s + ": " + title.group(1).strip();
    }
    return s.length() > 400 ? s.substring(0, 399) + "…" : s;
  }

  private static String firstLine(String text) {
    String t = text.strip();
    int nl = t.indexOf('\n');
    return (nl < 0 ? t : t.substring(0, nl)).strip();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
