package io.drorch.starter.cli;

import io.drorch.worker.codec.CodecServer;
import io.drorch.worker.codec.PayloadKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "codec-server", mixinStandardHelpOptions = true,
    description = {"Serve Temporal's remote codec protocol (POST /decode, /encode) with the payload"
        + " keys of this process (DR_PAYLOAD_KEYS or DR_PAYLOAD_KEY), so the Web UI shows"
        + " decrypted inputs, results and details to those who can reach it.",
        "Give the UI its URL: `temporal server start-dev --ui-codec-endpoint URL`, the UI's"
            + " TEMPORAL_CODEC_ENDPOINT, or the UI's Settings > Data Encoder."})
class CodecServerCommand implements Callable<Integer> {
  static final List<String> DEFAULT_ORIGINS = List.of(
      "http://localhost:8233", "http://127.0.0.1:8233", "http://localhost:8080",
      "http://127.0.0.1:8080");

  @Option(names = "--port", description = "TCP port (default: ${DEFAULT-VALUE}).")
  int port = CodecServer.DEFAULT_PORT;

  @Option(names = "--host", description = "Interface to listen on (default: ${DEFAULT-VALUE};"
      + " 0.0.0.0 in a container).")
  String host = "127.0.0.1";

  @Option(names = "--allow-origin", paramLabel = "URL", description = "The Web UI's origin, e.g."
      + " http://localhost:8080; repeatable (default: the dev server's UI on 8233 and"
      + " docker-compose's on 8080, as localhost and 127.0.0.1).")
  List<String> origins = new ArrayList<>();

  @Option(names = "--token", description = "Require `Authorization: Bearer TOKEN` on /decode and"
      + " /encode (default: $DR_CODEC_TOKEN, else none). Prefer the variable: arguments show in ps.")
  String token;

  @Override
  public Integer call() throws InterruptedException {
    PayloadKeys keys = PayloadKeys.fromEnvironment();
    if (!keys.enabled()) {
      System.err.println("error: no payload key: set " + PayloadKeys.KEYS_FILE_ENV + "=FILE (lines"
          + " `keyid base64`) or " + PayloadKeys.KEY_ENV + "=BASE64 — the same keys as the worker");
      return ExitCodes.USAGE;
    }
    String t = token != null ? token : System.getenv("DR_CODEC_TOKEN");
    List<String> allowed = origins.isEmpty() ? DEFAULT_ORIGINS : origins;
    CodecServer server;
    try {
      server = CodecServer.start(host, port, keys, allowed, t);
    } catch (IllegalStateException e) {
      throw new ExitCodes.UnavailableException(e.getMessage(), e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dr-codec-server-stop"));
    System.out.printf("codec server on %s (POST /decode, /encode); %s; origins %s; %s%n",
        server.url(), keys.describe(), allowed,
        t == null || t.isEmpty() ? "no token" : "bearer token required");
    System.out.println("Ctrl-C stops it");
    Thread.currentThread().join();
    return ExitCodes.OK;
  }
}
